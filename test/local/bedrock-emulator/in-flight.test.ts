import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { startBedrockEmulator } from '../../../local/bedrock-emulator';
import { bedrockClient } from './sdk-clients';

describe('the in-flight gauge', () => {
  it('counts model requests being answered, keeps the most at once, and returns to 0', async () => {
    // Paced answers, so that requests sent together are answered at the same time.
    const emulator = await startBedrockEmulator({ faults: { latencyPerTokenMs: 40 } });
    try {
      const client = bedrockClient(emulator.url, 'http2');
      const ask = () =>
        client.send(
          new ConverseCommand({
            modelId: 'us.anthropic.claude-sonnet-4-6',
            messages: [{ role: 'user', content: [{ text: 'Write' }] }],
            inferenceConfig: { maxTokens: 5 },
          }),
        );
      expect(emulator.inFlight()).toEqual({ current: 0, max: 0 });
      const answers = Promise.all([ask(), ask(), ask()]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(emulator.inFlight()).toEqual({ current: 3, max: 3 });
      await answers;
      await ask();
      expect(emulator.inFlight()).toEqual({ current: 0, max: 3 });
    } finally {
      await emulator.close();
    }
  });
});
