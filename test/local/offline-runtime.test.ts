import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOB_COMPLETED, JOB_FAILED } from '../../functions/core/job-events';
import { targetDocument } from '../../local/bedrock-emulator';
import { OfflineRuntime } from '../../local/offline-runtime';
import { runExecution } from '../../scenarios/offline-jobs';
import { storedItemCount } from '../../scenarios/shared-store';

const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

describe('OfflineRuntime', () => {
  it('runs side by side with another runtime, each with its own configuration, leaving process.env alone', async () => {
    const environment = { ...process.env };
    const capped = await OfflineRuntime.start({ maxRounds: 2, allowedModelIds: [HAIKU], retryIntervalMs: 1 });
    const open = await OfflineRuntime.start({ maxRounds: 50, retryIntervalMs: 1 });
    try {
      expect(process.env).toEqual(environment);
      expect(capped.defaults).toMatchObject({ maxRounds: 2, allowedModelIds: [HAIKU] });
      expect(open.defaults).toMatchObject({ maxRounds: 50, allowedModelIds: [] });

      const input = { prompt: 'Side by side [emulator:tokens=600]', maxTokensPerRound: 100 };
      const [short, whole] = await Promise.all([
        runExecution(capped, 'same-id', input),
        runExecution(open, 'same-id', input),
      ]);
      expect(short.outcome.status).toBe('FAILED');
      expect(await capped.store.getJob('same-id')).toMatchObject({
        status: 'MAX_ROUNDS_REACHED',
        nextRound: 3,
      });
      expect(whole.outcome.status).toBe('SUCCEEDED');
      expect(await open.store.loadDocument('same-id')).toBe(targetDocument(input));

      const refused = await runExecution(capped, 'other-model', { prompt: 'x', modelId: `${HAIKU}-x` });
      expect(refused.outcome).toMatchObject({ status: 'FAILED', error: 'InvalidInputError' });
      expect(refused.outcome.cause).toMatch(/modelId/);
      expect(await storedItemCount(capped, 'other-model')).toBe(0);
      expect(await storedItemCount(capped, 'same-id')).toBeGreaterThan(0);
      // Without a data directory, events are kept in memory only; refused input announces nothing.
      expect(
        capped.events.map((event) => [event.detailType, event.detail.jobId, event.detail.status]),
      ).toEqual([[JOB_FAILED, 'same-id', 'MAX_ROUNDS_REACHED']]);
      expect(open.events.map((event) => event.detailType)).toEqual([JOB_COMPLETED]);
    } finally {
      await capped.stop();
      await open.stop();
    }
    expect(process.env).toEqual(environment);
  });

  it('records the failure of a resumed execution, named other than its job, on the job it ran', async () => {
    const runtime = await OfflineRuntime.start({ retryIntervalMs: 1 });
    try {
      // A model id Bedrock does not know fails the first round for good (BedrockModelNotFoundError).
      const input = { prompt: 'Resumed [emulator:tokens=300]', modelId: 'anthropic.claude-unknown-v9' };
      expect((await runExecution(runtime, 'resumed-job', input)).outcome.status).toBe('FAILED');
      const resumed = await runExecution(runtime, 'resumed-job-resume-1', { jobId: 'resumed-job' });
      expect(resumed.outcome).toMatchObject({ status: 'FAILED', error: 'BedrockModelNotFoundError' });
      expect(await runtime.store.getJob('resumed-job-resume-1')).toBeUndefined();
      expect(
        runtime.events.map((event) => [event.detail.jobId, event.detail.executionName, event.detail.status]),
      ).toEqual([
        ['resumed-job', 'resumed-job', 'FAILED'],
        ['resumed-job', 'resumed-job-resume-1', 'FAILED'],
      ]);
    } finally {
      await runtime.stop();
    }
  });

  it("gives each round the round function's timeout as its deadline (roundTimeoutSeconds), so a slow model is time-boxed", async () => {
    const runtime = await OfflineRuntime.start({
      roundTimeoutSeconds: 1,
      retryIntervalMs: 1,
      emulator: { faults: { latencyPerTokenMs: 3 } },
    });
    try {
      const input = { prompt: 'Slow model [emulator:tokens=500]', maxTokensPerRound: 20_000 };
      const { outcome } = await runExecution(runtime, 'time-boxed', input);
      expect(outcome.status).toBe('SUCCEEDED');
      expect(await runtime.store.loadDocument('time-boxed')).toBe(targetDocument(input));
      const first = await runtime.store.getRound('time-boxed', 1);
      // 500 tokens take 1.5 s at 3 ms each; the 1 s function's round stops reading at 0.75 s.
      expect(first?.stopReason).toBe('time_budget');
      expect(first?.latencyMs).toBeLessThan(1_000);
    } finally {
      await runtime.stop();
    }
  });

  it('delivers a finished job into the data directory with its checksum on the job, and logs its end in events.jsonl', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'longform-runtime-')), 'data');
    const runtime = await OfflineRuntime.start({ dataDir, retryIntervalMs: 1 });
    try {
      const input = { prompt: 'Delivered offline [emulator:tokens=400] ünïcødé 𝄞', maxTokensPerRound: 100 };
      const { outcome } = await runExecution(runtime, 'delivered', input);
      expect(outcome.status, JSON.stringify(outcome)).toBe('SUCCEEDED');
      const path = join(dataDir, 'documents', 'delivered.md');
      const file = readFileSync(path);
      expect(file.equals(Buffer.from(await runtime.store.loadDocument('delivered'), 'utf8'))).toBe(true);
      const job = await runtime.store.getJob('delivered');
      expect(job?.document).toEqual({
        location: path,
        sha256: createHash('sha256').update(file).digest('hex'),
        bytes: file.length,
      });
      const logged = readFileSync(join(dataDir, 'events.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(logged).toEqual(runtime.events);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({
        detailType: JOB_COMPLETED,
        detail: {
          jobId: 'delivered',
          executionName: 'delivered',
          status: 'COMPLETED',
          document: job?.document,
        },
      });
      expect(Date.parse(logged[0].time)).not.toBeNaN();
    } finally {
      await runtime.stop();
    }
  });
});
