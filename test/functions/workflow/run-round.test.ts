import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JobStore, type RoundRecord } from '../../../functions/adapters/job-store';
import { BedrockAccessDeniedError, PrefillRejectedError } from '../../../functions/core/errors';
import type { CallModel } from '../../../functions/workflow/run-round';
import { runRound, runRoundRecordingFailure } from '../../../functions/workflow/run-round';
import { startJob } from '../../../functions/workflow/start-job';
import { targetDocument } from '../../../local/bedrock-emulator';
import {
  driveJob,
  type LocalServices,
  startLocalServices,
  TEST_DEFAULTS,
  TEST_TABLE,
} from '../../../scenarios/local-services';

let services: LocalServices;
let jobCounter = 0;

beforeAll(async () => {
  services = await startLocalServices();
});
afterAll(async () => {
  await services.stop();
});
beforeEach(() => {
  services.emulator.setFaults(undefined);
  services.emulator.setInstructionQuirks(undefined);
});

const newJobId = () => `run-round-${++jobCounter}`;

async function runWholeJob(input: Record<string, unknown>, callModel: CallModel = services.callModel) {
  const jobId = newJobId();
  await startJob(services.store, TEST_DEFAULTS, jobId, input);
  const last = await driveJob(services.store, callModel, jobId);
  const document = await services.store.loadDocument(jobId);
  const job = await services.store.getJob(jobId);
  return { jobId, last, document, job };
}

describe('runRound against the emulator and local DynamoDB', () => {
  it.each([
    ['converse', 'us.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['invoke', 'global.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['converse', 'amazon.nova-pro-v1:0'],
  ])('prefill over %s reproduces the document byte for byte (%s)', async (api, modelId) => {
    const prompt = `A guide to knots for ${api} ${modelId} [emulator:tokens=1800]`;
    const { document, last, job } = await runWholeJob({
      prompt,
      api,
      modelId,
      maxTokensPerRound: 97,
      continuation: 'prefill',
    });
    expect(last.status).toBe('COMPLETED');
    expect(job?.nextRound).toBeGreaterThan(10);
    expect(document).toBe(targetDocument({ prompt }));
    expect(job?.documentCharacters).toBe(document.length);
  });

  it.each(['converse', 'invoke'])(
    'instruction mode with overlap quirks reproduces the document (%s)',
    async (api) => {
      services.emulator.setInstructionQuirks({ seed: 7, overlapRate: 0.7, overlapChars: [12, 90] });
      const prompt = `Essay on tides, instruction ${api} [emulator:tokens=1500]`;
      const { document, last, job } = await runWholeJob({
        prompt,
        api,
        modelId: 'us.anthropic.claude-sonnet-4-6',
        maxTokensPerRound: 120,
        continuation: 'instruction',
      });
      expect(last.status).toBe('COMPLETED');
      expect(job?.strategy).toBe('instruction');
      expect(document).toBe(targetDocument({ prompt }));
    },
  );

  it.each([
    ['Claude Opus 4.6', 'us.anthropic.claude-opus-4-6-v1', 'invoke'],
    ['Claude Opus 4.6', 'global.anthropic.claude-opus-4-6-v1', 'converse'],
    ['Llama 3 8B', 'meta.llama3-8b-instruct-v1:0', 'converse'],
  ])(
    'auto switches %s to instruction at round 2, records it, and stays exact',
    async (_name, modelId, api) => {
      services.emulator.setInstructionQuirks({ seed: 3, overlapRate: 0.5, overlapChars: [12, 80] });
      const prompt = `Notes on bridges for ${modelId} [emulator:tokens=900]`;
      const { document, last, job } = await runWholeJob({ prompt, api, modelId, maxTokensPerRound: 150 });
      expect(last.status).toBe('COMPLETED');
      expect(job?.strategy).toBe('instruction');
      expect(job?.strategySwitchedAtRound).toBe(2);
      expect(document).toBe(targetDocument({ prompt }));
    },
  );

  it('explicit prefill never switches: the Bedrock rejection surfaces as PrefillRejectedError', async () => {
    const jobId = newJobId();
    const prompt = 'Prefill on a model that rejects it [emulator:tokens=400]';
    await startJob(services.store, TEST_DEFAULTS, jobId, {
      prompt,
      modelId: 'us.anthropic.claude-opus-4-6-v1',
      maxTokensPerRound: 100,
      continuation: 'prefill',
    });
    await runRound(services.store, services.callModel, jobId, 1);
    await expect(runRound(services.store, services.callModel, jobId, 2)).rejects.toBeInstanceOf(
      PrefillRejectedError,
    );
    const job = await services.store.getJob(jobId);
    expect(job?.strategy).toBe('prefill');
    expect(job?.nextRound).toBe(2);
  });

  it('ends CONTEXT_FULL, text kept, when Bedrock refuses a conversation that outgrew the context window', async () => {
    const prompt = 'Longer than Llama 3 8B can hold [emulator:tokens=20000]';
    const { document, last, job } = await runWholeJob({
      prompt,
      modelId: 'meta.llama3-8b-instruct-v1:0',
      maxTokensPerRound: 2000,
    });
    expect(last.status).toBe('CONTEXT_FULL');
    expect(job?.failure?.name).toBe('ContextWindowFullError');
    expect(job?.failure?.message).toMatch(/too long/i);
    expect(job?.stopReason).toBe('model_context_window_exceeded');
    expect(document.length).toBeGreaterThan(5000);
    expect(targetDocument({ prompt }).startsWith(document)).toBe(true);
    expect(job?.documentCharacters).toBe(document.length);
  });

  it('prefill with 1-token rounds gets past white space it would otherwise regenerate forever', async () => {
    const prompt = 'One token at a time [emulator:tokens=120]';
    const { document, last } = await runWholeJob({
      prompt,
      maxTokensPerRound: 1,
      maxRounds: 1500,
      continuation: 'prefill',
    });
    expect(last.status).toBe('COMPLETED');
    expect(document).toBe(targetDocument({ prompt }));
  });

  it('ends the document before a stop sequence that the model produced', async () => {
    const prompt = 'Stop sequences across rounds [emulator:tokens=1200]';
    const target = targetDocument({ prompt });
    // A stop sequence taken from the middle of the document, long enough to straddle some seams.
    const stopSequence = target.slice(2000, 2012);
    const { document, last } = await runWholeJob({
      prompt,
      maxTokensPerRound: 40,
      stopSequences: [stopSequence],
    });
    expect(last.status).toBe('COMPLETED');
    expect(last.stopReason).toBe('stop_sequence');
    expect(document).toBe(target.slice(0, target.indexOf(stopSequence)));
  });
});

describe('a round interrupted at each point and retried', () => {
  class CrashingStore extends JobStore {
    crashAfter: 'putRound' | 'advanceJob' | undefined;
    override async putRound(jobId: string, record: RoundRecord) {
      const written = await super.putRound(jobId, record);
      if (this.crashAfter === 'putRound') {
        this.crashAfter = undefined;
        throw new Error('crashed after the round write');
      }
      return written;
    }
    override async advanceJob(...args: Parameters<JobStore['advanceJob']>) {
      const advanced = await super.advanceJob(...args);
      if (this.crashAfter === 'advanceJob') {
        this.crashAfter = undefined;
        throw new Error('crashed after the META write');
      }
      return advanced;
    }
  }

  it.each(['after the Bedrock call', 'after the round write', 'after the META write'] as const)(
    'crashing %s in every round neither loses nor duplicates text',
    async (point) => {
      const store = new CrashingStore(services.documents, TEST_TABLE, 86_400);
      let modelCalls = 0;
      let crashModel = false;
      const callModel: CallModel = async (config, conversation) => {
        modelCalls++;
        const reply = await services.callModel(config, conversation);
        if (crashModel) {
          crashModel = false;
          throw new Error('crashed after the Bedrock call');
        }
        return reply;
      };
      const jobId = newJobId();
      const prompt = `Interrupted ${point} [emulator:tokens=700]`;
      await startJob(store, TEST_DEFAULTS, jobId, { prompt, maxTokensPerRound: 90 });

      let round = 1;
      let rounds = 0;
      for (;;) {
        if (point === 'after the Bedrock call') crashModel = true;
        if (point === 'after the round write') store.crashAfter = 'putRound';
        if (point === 'after the META write') store.crashAfter = 'advanceJob';
        await expect(runRound(store, callModel, jobId, round)).rejects.toThrow(/crashed/);
        const { result } = await runRound(store, callModel, jobId, round);
        rounds++;
        if (result.next === 'finish') break;
        round = result.nextRound;
      }
      expect(await store.loadDocument(jobId)).toBe(targetDocument({ prompt }));
      // Only a crash before the round is stored costs a second Bedrock call.
      expect(modelCalls).toBe(point === 'after the Bedrock call' ? rounds * 2 : rounds);
    },
  );

  it('a repeated round after the job advanced returns the stored result without calling Bedrock', async () => {
    const jobId = newJobId();
    await startJob(services.store, TEST_DEFAULTS, jobId, {
      prompt: 'Repeat me [emulator:tokens=300]',
      maxTokensPerRound: 100,
    });
    const first = await runRound(services.store, services.callModel, jobId, 1);
    let called = false;
    const again = await runRound(
      services.store,
      async () => {
        called = true;
        throw new Error('must not be called');
      },
      jobId,
      1,
    );
    expect(called).toBe(false);
    expect(again.source).toBe('stored-job');
    expect(again.result).toEqual(first.result);
  });

  it('a permanent failure marks the job FAILED; re-running that round (a redrive) reopens it and completes exactly', async () => {
    const jobId = newJobId();
    const prompt = 'Redriven after access was granted [emulator:tokens=600]';
    await startJob(services.store, TEST_DEFAULTS, jobId, { prompt, maxTokensPerRound: 100 });
    await runRound(services.store, services.callModel, jobId, 1);
    const denied: CallModel = async () => {
      throw new BedrockAccessDeniedError("You don't have access to the model with the specified model ID.");
    };
    await expect(runRoundRecordingFailure(services.store, denied, jobId, 2)).rejects.toThrow(/access/);
    const failed = await services.store.getJob(jobId);
    expect(failed?.status).toBe('FAILED');
    expect(failed?.failure?.name).toBe('BedrockAccessDeniedError');

    const last = await driveJob(services.store, services.callModel, jobId, 2);
    expect(last.status).toBe('COMPLETED');
    expect((await services.store.getJob(jobId))?.failure).toBeUndefined();
    expect(await services.store.loadDocument(jobId)).toBe(targetDocument({ prompt }));
  });

  it('a retriable failure leaves the job running for the state machine to retry', async () => {
    const jobId = newJobId();
    await startJob(services.store, TEST_DEFAULTS, jobId, {
      prompt: 'Throttled [emulator:tokens=300]',
      maxTokensPerRound: 100,
    });
    services.emulator.setFaults({ plan: () => 'throttle' });
    await expect(
      runRoundRecordingFailure(services.store, services.callModel, jobId, 1),
    ).rejects.toMatchObject({
      name: 'BedrockThrottlingError',
    });
    const job = await services.store.getJob(jobId);
    expect(job?.status).toBe('RUNNING');
    expect(job?.lastError).toMatchObject({ name: 'BedrockThrottlingError', round: 1 });
    // The next successful round clears it.
    services.emulator.setFaults(undefined);
    await runRoundRecordingFailure(services.store, services.callModel, jobId, 1);
    expect((await services.store.getJob(jobId))?.lastError).toBeUndefined();
  });
});
