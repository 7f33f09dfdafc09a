import { beforeEach, describe, expect, it } from 'vitest';
import { createBedrockClient } from '../../../functions/adapters/bedrock-model';
import { streamReply } from '../../../functions/adapters/bedrock-stream';
import {
  BedrockModelNotFoundError,
  BedrockThrottlingError,
  BedrockUnavailableError,
  BedrockValidationError,
  PrefillRejectedError,
} from '../../../functions/core/errors';
import type { ChatTurn, JobConfig } from '../../../functions/core/job-config';
import { roundTimeBudget } from '../../../functions/core/round-time-budget';
import { targetDocument } from '../../../local/bedrock-emulator';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/local-dynamodb';
import { runJobToEnd } from '../../../scenarios/local-services';
import { useLocalServices } from '../../../scenarios/local-services-fixture';

const services = useLocalServices();
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

describe('the Bedrock client and its errors, through a streamed round call', () => {
  const LONG = roundTimeBudget(60_000);

  it('classifies Bedrock errors into named errors that keep Bedrock’s message', async () => {
    await expect(
      streamReply(services.bedrock, config({ maxTokensPerRound: 64_001 }), firstTurn, LONG),
    ).rejects.toBeInstanceOf(BedrockValidationError);
    await expect(
      streamReply(services.bedrock, config({ modelId: 'anthropic.claude-unknown-v1:0' }), firstTurn, LONG),
    ).rejects.toThrow(
      new BedrockModelNotFoundError(
        'modelId anthropic.claude-unknown-v1:0: The provided model identifier is invalid.',
      ),
    );
    const prefill: ChatTurn[] = [...firstTurn, { role: 'assistant', text: 'Already written' }];
    await expect(
      streamReply(services.bedrock, config({ modelId: 'us.anthropic.claude-opus-4-6-v1' }), prefill, LONG),
    ).rejects.toBeInstanceOf(PrefillRejectedError);
  });

  it('classifies throttling and a dropped connection as retriable', async () => {
    services.emulator.setFaults({ plan: (i) => (i === 0 ? 'throttle' : 'dropConnection') });
    await expect(streamReply(services.bedrock, config(), firstTurn, LONG)).rejects.toBeInstanceOf(
      BedrockThrottlingError,
    );
    await expect(streamReply(services.bedrock, config(), firstTurn, LONG)).rejects.toBeInstanceOf(
      BedrockUnavailableError,
    );
  });

  it('createBedrockClient makes one attempt per call: Step Functions owns the retries', async () => {
    const client = createBedrockClient({
      endpoint: services.emulator.url,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      const before = services.emulator.stats().requests;
      services.emulator.setFaults({ throttleRate: 1 });
      await expect(streamReply(client, config(), firstTurn, LONG)).rejects.toBeInstanceOf(
        BedrockThrottlingError,
      );
      expect(services.emulator.stats().requests - before).toBe(1);
    } finally {
      client.destroy();
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
        const result = await runJobToEnd(
          services,
          jobId,
          promptCaching ? input : { ...input, promptCaching },
        );
        expect(result.status).toBe('COMPLETED');
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
