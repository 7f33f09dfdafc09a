import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetDocument } from '../../local/bedrock-emulator';
import { OfflineRuntime } from '../../local/offline-runtime';

const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const OPUS = 'global.anthropic.claude-opus-4-6-v1';

let runtime: OfflineRuntime;
beforeAll(async () => {
  runtime = await OfflineRuntime.start({ retryIntervalMs: 1 });
});
afterAll(async () => {
  await runtime.stop();
});

async function execute(name: string, input: Record<string, unknown>) {
  const execution = runtime.startExecution(name, input);
  for await (const _event of execution.events) {
    // Drained so the execution runs to its end.
  }
  const outcome = await execution.outcome;
  const job = await runtime.store.getJob(name);
  const document = await runtime.store.loadDocument(name);
  return { outcome, job, document };
}

/** The text so far is kept: a prefix of the emulated document, as long as the job says, from several rounds. */
function expectTextKept(prompt: string, document: string, documentCharacters: number | undefined) {
  expect(document.length).toBeGreaterThan(200);
  expect(targetDocument({ prompt }).startsWith(document)).toBe(true);
  expect(document.length).toBe(documentCharacters);
}

describe('how a job ends when the model stops for good, through the offline workflow', () => {
  it.each([
    ['model_context_window_exceeded', 'CONTEXT_FULL', 'ContextWindowFullError', HAIKU, 'converse'],
    ['refusal', 'BLOCKED', 'ContentBlockedError', OPUS, 'invoke'],
    ['guardrail_intervened', 'BLOCKED', 'ContentBlockedError', HAIKU, 'converse'],
    ['content_filtered', 'BLOCKED', 'ContentBlockedError', OPUS, 'converse'],
  ])(
    'stop reason %s ends the job %s with %s, the text so far kept',
    async (reason, status, error, modelId, api) => {
      const name = `end-${reason.replaceAll('_', '-')}`;
      const prompt = `A field guide to mosses [emulator:tokens=3000] [emulator:stop=${reason}@250]`;
      const { outcome, job, document } = await execute(name, {
        prompt,
        modelId,
        api,
        maxTokensPerRound: 100,
      });
      expect(outcome).toMatchObject({ status: 'FAILED', error });
      expect(outcome.cause).toContain(status === 'BLOCKED' ? reason : 'context window');
      expect(job?.status).toBe(status);
      expect(job?.stopReason).toBe(reason);
      expect(job?.failure?.name).toBe(error);
      expect(job?.nextRound).toBeGreaterThan(3);
      expectTextKept(prompt, document, job?.documentCharacters);
    },
  );

  it('a content-filter 400 ends the job BLOCKED with ContentBlockedError, the text so far kept', async () => {
    const prompt = 'A field guide to lichens [emulator:tokens=3000] [emulator:fail=content-filter@250]';
    const { outcome, job, document } = await execute('end-content-filter-400', {
      prompt,
      modelId: HAIKU,
      maxTokensPerRound: 100,
    });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'ContentBlockedError' });
    expect(outcome.cause).toContain('Output blocked by content filtering policy');
    expect(job?.status).toBe('BLOCKED');
    expect(job?.stopReason).toBe('content_filtered');
    expect(job?.failure?.name).toBe('ContentBlockedError');
    expectTextKept(prompt, document, job?.documentCharacters);
  });
});
