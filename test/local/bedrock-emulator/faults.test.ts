import { BedrockRuntimeServiceException, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultKind, type RunningEmulator, startBedrockEmulator } from '../../../local/bedrock-emulator';
import { bedrockClient, PROTOCOLS, rejection } from './sdk-clients';

function ask(url: string, protocol: (typeof PROTOCOLS)[number] = 'http2', maxTokens = 5) {
  return bedrockClient(url, protocol).send(
    new ConverseCommand({
      modelId: 'us.anthropic.claude-sonnet-4-6',
      messages: [{ role: 'user', content: [{ text: 'Write' }] }],
      inferenceConfig: { maxTokens },
    }),
  );
}

const ANSWERED_FAULTS: [FaultKind, string, number, string][] = [
  ['throttle', 'ThrottlingException', 429, 'Too many requests, please wait before trying again.'],
  ['unavailable', 'ServiceUnavailableException', 503, 'Bedrock is unable to process your request.'],
  [
    'internal',
    'InternalServerException',
    500,
    'The system encountered an unexpected error during processing. Try your request again.',
  ],
  [
    'modelTimeout',
    'ModelTimeoutException',
    408,
    'Model has timed out in processing the request. Try your request again.',
  ],
];

describe.each(PROTOCOLS)('fault injection over %s', (protocol) => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startBedrockEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it.each(ANSWERED_FAULTS)('%s → %s (%i)', async (kind, name, status, message) => {
    emulator.setFaults({ plan: () => kind });
    const error = await rejection(() => ask(emulator.url, protocol));
    emulator.setFaults(undefined);
    expect(error).toBeInstanceOf(BedrockRuntimeServiceException);
    expect(error.name).toBe(name);
    expect(error.message).toBe(message);
    expect(error.$metadata?.httpStatusCode).toBe(status);
  });

  it('drops the connection: the SDK rejects with a network-level error, and the server keeps serving', async () => {
    emulator.setFaults({ plan: (index) => (index === 0 ? 'dropConnection' : undefined) });
    const error = await rejection(() => ask(emulator.url, protocol));
    expect(error).not.toBeInstanceOf(BedrockRuntimeServiceException);
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect((await ask(emulator.url, protocol)).stopReason).toBe('max_tokens');
    emulator.setFaults(undefined);
  });
});

describe('fault injection', () => {
  it('replays seeded rates exactly, and counts outcomes', async () => {
    const emulator = await startBedrockEmulator();
    try {
      const outcomes = async (): Promise<string[]> => {
        emulator.setFaults({ seed: 42, throttleRate: 0.3, unavailableRate: 0.2 });
        const seen: string[] = [];
        for (let i = 0; i < 30; i++) {
          seen.push(
            await ask(emulator.url).then(
              () => 'ok',
              (error: Error) => error.name,
            ),
          );
        }
        return seen;
      };
      const first = await outcomes();
      expect(await outcomes()).toEqual(first);
      expect(new Set(first)).toEqual(new Set(['ok', 'ThrottlingException', 'ServiceUnavailableException']));
      const stats = emulator.stats();
      expect(stats.requests).toBe(60);
      expect(stats.byOutcome.ok).toBe(2 * first.filter((o) => o === 'ok').length);
      expect(stats.byOutcome.ThrottlingException).toBe(
        2 * first.filter((o) => o === 'ThrottlingException').length,
      );
    } finally {
      await emulator.close();
    }
  });

  it('checks the plan before the rates, counting requests from the last setFaults', async () => {
    const emulator = await startBedrockEmulator();
    try {
      emulator.setFaults({ throttleRate: 1, plan: (index) => (index === 1 ? 'modelTimeout' : undefined) });
      const first = await rejection(() => ask(emulator.url));
      const second = await rejection(() => ask(emulator.url));
      expect([first.name, second.name]).toEqual(['ThrottlingException', 'ModelTimeoutException']);
    } finally {
      await emulator.close();
    }
  });

  it('delays answers by latency per output token', async () => {
    const emulator = await startBedrockEmulator({ faults: { latencyPerTokenMs: 4 } });
    try {
      const started = Date.now();
      const response = await ask(emulator.url, 'http2', 50);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(response.metrics?.latencyMs).toBeGreaterThanOrEqual(190);
      emulator.setFaults(undefined);
      expect((await ask(emulator.url, 'http2', 50)).metrics?.latencyMs).toBeLessThan(190);
    } finally {
      await emulator.close();
    }
  });
});
