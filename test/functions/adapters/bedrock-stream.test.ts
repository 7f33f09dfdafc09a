import { beforeEach, describe, expect, it } from 'vitest';
import { streamReply } from '../../../functions/adapters/bedrock-stream';
import {
  BedrockModelError,
  BedrockThrottlingError,
  BedrockTimeoutError,
  BedrockUnavailableError,
  BedrockValidationError,
  RoundDeadlineError,
} from '../../../functions/core/errors';
import type { ChatTurn, JobConfig } from '../../../functions/core/job-config';
import { roundTimeBudget } from '../../../functions/core/round-time-budget';
import { targetDocument } from '../../../local/bedrock-emulator';
import { useLocalServices } from '../../../scenarios/local-services-fixture';

const services = useLocalServices();
beforeEach(() => services.emulator.setFaults(undefined));

const PROMPT = 'Stream test document with emoji 🙂 and 中文 [emulator:tokens=2000]';
const config = (overrides: Partial<JobConfig> = {}): JobConfig => ({
  messages: [{ role: 'user', text: PROMPT }],
  modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  api: 'converse',
  maxTokensPerRound: 300,
  maxRounds: 10,
  continuation: 'prefill',
  stopSequences: [],
  ...overrides,
});
const firstTurn: ChatTurn[] = [{ role: 'user', text: PROMPT }];
const APIS = ['converse', 'invoke'] as const;
/** A budget that never cuts, and one whose failed streams keep their text from the start. */
const LONG = roundTimeBudget(60_000);
const KEEP_ANY = { cutAfterMs: 60_000, keepFailedAfterMs: 0 };

describe('streamReply against the emulator', () => {
  it.each(APIS)('streams the whole reply and its usage over %s', async (api) => {
    const streamed = await streamReply(services.bedrock, config({ api }), firstTurn, LONG);
    expect(targetDocument({ prompt: PROMPT }).startsWith(streamed.text)).toBe(true);
    expect(streamed.text.length).toBeGreaterThan(300);
    expect(streamed.stopReason).toBe('max_tokens');
    expect(streamed.usage.outputTokens).toBe(300);
    expect(streamed.usage.inputTokens).toBeGreaterThan(0);
    expect(streamed.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it.each(APIS)(
    'ends the stream at the time budget and keeps a prefix, stop reason time_budget (%s)',
    async (api) => {
      services.emulator.setFaults({ latencyPerTokenMs: 5 });
      const started = Date.now();
      const reply = await streamReply(services.bedrock, config({ api, maxTokensPerRound: 2000 }), firstTurn, {
        cutAfterMs: 400,
        keepFailedAfterMs: 200,
      });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(reply.stopReason).toBe('time_budget');
      expect(reply.text.length).toBeGreaterThan(0);
      expect(targetDocument({ prompt: PROMPT }).startsWith(reply.text)).toBe(true);
      const last = reply.text.charCodeAt(reply.text.length - 1);
      expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
      expect(reply.usage.outputTokens).toBeGreaterThan(0);
      expect(reply.usage.outputTokens).toBeLessThan(2000);
    },
  );

  it('fails with RoundDeadlineError when no text arrives within the budget', async () => {
    services.emulator.setFaults({ latencyPerTokenMs: 1_000 });
    await expect(
      streamReply(services.bedrock, config(), firstTurn, { cutAfterMs: 150, keepFailedAfterMs: 75 }),
    ).rejects.toBeInstanceOf(RoundDeadlineError);
  });

  it.each([
    ['throttle', BedrockThrottlingError],
    ['unavailable', BedrockUnavailableError],
    ['internal', BedrockUnavailableError],
    ['modelTimeout', BedrockModelError],
    ['dropConnection', BedrockUnavailableError],
  ] as const)('classifies a %s inside a ConverseStream like the non-streaming error', async (fault, type) => {
    // A point of 0.9 strikes inside the stream, after most of its deltas.
    services.emulator.setFaults({ plan: () => fault, seed: 7 });
    const error = await streamUntilInStreamFault('converse');
    expect(error).toBeInstanceOf(type);
  });

  it.each([
    ['throttle', BedrockThrottlingError],
    ['modelTimeout', BedrockTimeoutError],
    ['dropConnection', BedrockUnavailableError],
  ] as const)('classifies a %s inside an InvokeModel stream', async (fault, type) => {
    services.emulator.setFaults({ plan: () => fault, seed: 7 });
    expect(await streamUntilInStreamFault('invoke')).toBeInstanceOf(type);
  });

  it('keeps the text of a stream that failed past its minimum share, as a time_budget reply', async () => {
    services.emulator.setFaults({ plan: () => 'throttle', seed: 7 });
    for (let attempt = 0; attempt < 20; attempt++) {
      const reply = await streamReply(services.bedrock, config(), firstTurn, KEEP_ANY).catch(() => undefined);
      if (!reply) continue; // the fault struck before the stream: nothing to keep
      expect(reply.stopReason).toBe('time_budget');
      expect(targetDocument({ prompt: PROMPT }).startsWith(reply.text)).toBe(true);
      return;
    }
    throw new Error('no seeded fault struck inside the stream');
  });

  it('never keeps a stream that failed on a permanent error', async () => {
    await expect(
      streamReply(services.bedrock, config({ maxTokensPerRound: 10_000_000 }), firstTurn, KEEP_ANY),
    ).rejects.toBeInstanceOf(BedrockValidationError);
  });
});

/** Streams until a seeded fault strikes inside the stream (some strike before it, as error responses). */
async function streamUntilInStreamFault(api: 'converse' | 'invoke'): Promise<unknown> {
  const before = services.emulator.stats().byOutcome;
  for (let attempt = 0; attempt < 20; attempt++) {
    const error = await streamReply(services.bedrock, config({ api }), firstTurn, LONG).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    const after = services.emulator.stats().byOutcome;
    const inStream = Object.keys(after).some((key) => key.endsWith('InStream') && after[key] !== before[key]);
    if (inStream) return error;
  }
  throw new Error('no seeded fault struck inside the stream');
}
