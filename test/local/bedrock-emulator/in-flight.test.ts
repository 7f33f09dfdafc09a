import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { startBedrockEmulator } from '../../../local/bedrock-emulator';
import { bedrockClient } from './sdk-clients';

/** Waits until `done` holds, checking every 10 ms, for at most 10 s (a loaded machine is slow to connect). */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 10_000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the in-flight gauge', () => {
  it('counts model requests being answered, keeps the most at once, and returns to 0', async () => {
    // Each answer takes 4 tokens × 150 ms, so the three requests sent together are answered at once.
    const emulator = await startBedrockEmulator({ faults: { latencyPerTokenMs: 150 } });
    let answers: Promise<unknown> = Promise.resolve();
    try {
      const client = bedrockClient(emulator.url, 'http2');
      const ask = () =>
        client.send(
          new ConverseCommand({
            modelId: 'us.anthropic.claude-sonnet-4-6',
            messages: [{ role: 'user', content: [{ text: 'Write' }] }],
            inferenceConfig: { maxTokens: 4 },
          }),
        );
      expect(emulator.inFlight()).toEqual({ current: 0, max: 0 });
      answers = Promise.all([ask(), ask(), ask()]);
      await until(() => emulator.inFlight().current === 3);
      expect(emulator.inFlight()).toEqual({ current: 3, max: 3 });
      await answers;
      await until(() => emulator.inFlight().current === 0);
      expect(emulator.inFlight()).toEqual({ current: 0, max: 3 });
    } finally {
      // Answered before the server closes, also when an assertion failed, so no request is cut off.
      await answers.catch(() => undefined);
      await emulator.close();
    }
  });
});
