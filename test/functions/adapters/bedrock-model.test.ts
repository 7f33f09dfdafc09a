import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBedrockClient, generateReply } from '../../../functions/adapters/bedrock-model';
import {
  BedrockModelNotFoundError,
  BedrockThrottlingError,
  BedrockUnavailableError,
  BedrockValidationError,
  PrefillRejectedError,
  RoundDeadlineError,
} from '../../../functions/core/errors';
import type { ChatTurn, JobConfig } from '../../../functions/core/job-config';
import { startJob } from '../../../functions/workflow/start-job';
import { targetDocument } from '../../../local/bedrock-emulator';
import {
  driveJob,
  type LocalServices,
  startLocalServices,
  TEST_DEFAULTS,
} from '../../../scenarios/local-services';

let services: LocalServices;
beforeAll(async () => {
  services = await startLocalServices();
});
afterAll(async () => {
  await services.stop();
});
beforeEach(() => services.emulator.setFaults(undefined));

const PROMPT = 'Adapter test document [emulator:tokens=400]';
const config = (overrides: Partial<JobConfig> = {}): JobConfig => ({
  messages: [{ role: 'user', text: PROMPT }],
  modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  api: 'converse',
  maxTokensPerRound: 50,
  maxRounds: 10,
  continuation: 'prefill',
  stopSequences: [],
  ...overrides,
});
const firstTurn: ChatTurn[] = [{ role: 'user', text: PROMPT }];

describe('generateReply against the emulator', () => {
  it.each(['converse', 'invoke'] as const)('returns the normalized reply over %s', async (api) => {
    const reply = await generateReply(services.bedrock, config({ api }), firstTurn, 30_000);
    expect(targetDocument({ prompt: PROMPT }).startsWith(reply.text)).toBe(true);
    expect(reply.text.length).toBeGreaterThan(50);
    expect(reply.stopReason).toBe('max_tokens');
    expect(reply.usage.outputTokens).toBe(50);
    expect(reply.usage.inputTokens).toBeGreaterThan(0);
    expect(reply.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('aborts a call that would outlive the deadline with RoundDeadlineError, promptly', async () => {
    services.emulator.setFaults({ latencyPerTokenMs: 100 });
    const started = Date.now();
    await expect(generateReply(services.bedrock, config(), firstTurn, 300)).rejects.toBeInstanceOf(
      RoundDeadlineError,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('classifies Bedrock errors into named errors that keep Bedrock’s message', async () => {
    await expect(
      generateReply(services.bedrock, config({ maxTokensPerRound: 64_001 }), firstTurn, 30_000),
    ).rejects.toBeInstanceOf(BedrockValidationError);
    await expect(
      generateReply(
        services.bedrock,
        config({ modelId: 'anthropic.claude-unknown-v1:0' }),
        firstTurn,
        30_000,
      ),
    ).rejects.toThrow(
      new BedrockModelNotFoundError(
        'modelId anthropic.claude-unknown-v1:0: The provided model identifier is invalid.',
      ),
    );
    const prefill: ChatTurn[] = [...firstTurn, { role: 'assistant', text: 'Already written' }];
    await expect(
      generateReply(
        services.bedrock,
        config({ modelId: 'us.anthropic.claude-opus-4-6-v1' }),
        prefill,
        30_000,
      ),
    ).rejects.toBeInstanceOf(PrefillRejectedError);
  });

  it('classifies throttling and a dropped connection as retriable', async () => {
    services.emulator.setFaults({ plan: (i) => (i === 0 ? 'throttle' : 'dropConnection') });
    await expect(generateReply(services.bedrock, config(), firstTurn, 30_000)).rejects.toBeInstanceOf(
      BedrockThrottlingError,
    );
    await expect(generateReply(services.bedrock, config(), firstTurn, 30_000)).rejects.toBeInstanceOf(
      BedrockUnavailableError,
    );
  });

  it('createBedrockClient makes one attempt per call: Step Functions owns the retries', async () => {
    const previous = process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
    process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = services.emulator.url;
    const client = createBedrockClient();
    try {
      const before = services.emulator.stats().requests;
      services.emulator.setFaults({ throttleRate: 1 });
      await expect(generateReply(client, config(), firstTurn, 30_000)).rejects.toBeInstanceOf(
        BedrockThrottlingError,
      );
      expect(services.emulator.stats().requests - before).toBe(1);
    } finally {
      client.destroy();
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
      else process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = previous;
    }
  });
});

describe('prompt caching through the adapter', () => {
  it.each([
    ['converse', 'prefill', 'us.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['invoke', 'instruction', 'us.anthropic.claude-sonnet-4-6'],
  ] as const)(
    'a %s %s job reads its document from the cache and writes the same document as without',
    async (api, continuation, modelId) => {
      const prompt = `Cached adapter document, ${api} ${continuation} [emulator:tokens=14000]`;
      const documents: string[] = [];
      const reads: number[] = [];
      for (const promptCaching of [false, true]) {
        const jobId = `cached-${api}-${continuation}-${promptCaching}`;
        const input = { prompt, modelId, api, continuation, maxTokensPerRound: 2000, maxRounds: 20 };
        await startJob(
          services.store,
          TEST_DEFAULTS,
          jobId,
          promptCaching ? input : { ...input, promptCaching },
        );
        expect((await driveJob(services.store, services.callModel, jobId)).status).toBe('COMPLETED');
        documents.push(await services.store.loadDocument(jobId));
        reads.push((await services.store.getJob(jobId))?.usage.cacheReadInputTokens ?? 0);
      }
      expect(documents[1]).toBe(documents[0]);
      expect(documents[0]).toBe(targetDocument({ prompt }));
      expect(reads[0]).toBe(0);
      expect(reads[1]).toBeGreaterThan(10_000);
    },
  );
});
