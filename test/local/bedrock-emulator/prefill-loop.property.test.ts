import { ConverseCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateContinuation,
  type RunningEmulator,
  startBedrockEmulator,
  targetDocument,
} from '../../../local/bedrock-emulator';
import { bedrockClient } from './sdk-clients';

/** One model call: the prefill to send (undefined for none) and max_tokens → the chunk and stop reason. */
type Ask = (prefill: string | undefined, maxTokens: number) => Promise<{ text: string; stopReason: string }>;

/** The correct method: send the text with trailing white space removed, append the chunk to that. */
async function prefillLoop(ask: Ask, maxTokens: readonly number[]): Promise<string> {
  let soFar = '';
  for (let round = 0; round < 5000; round++) {
    const sent = soFar.trimEnd();
    const { text, stopReason } = await ask(
      sent === '' ? undefined : sent,
      maxTokens[round % maxTokens.length] ?? 16,
    );
    soFar = sent + text;
    if (stopReason !== 'max_tokens') return soFar;
  }
  throw new Error('prefill loop did not finish');
}

/** The seed's naive method: trim every chunk before appending it. */
async function naiveLoop(ask: Ask, maxTokens: readonly number[], maxRounds: number): Promise<string> {
  let soFar = '';
  for (let round = 0; round < maxRounds; round++) {
    const { text, stopReason } = await ask(
      soFar === '' ? undefined : soFar,
      maxTokens[round % maxTokens.length] ?? 16,
    );
    soFar += text.trim();
    if (stopReason !== 'max_tokens') break;
  }
  return soFar;
}

function inProcess(system: string, prompt: string): Ask {
  return async (prefill, maxTokens) =>
    generateContinuation({
      conversation: {
        system,
        messages: [
          { role: 'user', texts: [prompt] },
          ...(prefill === undefined ? [] : [{ role: 'assistant' as const, texts: [prefill] }]),
        ],
      },
      maxTokens,
    });
}

const promptArb = fc.record({
  system: fc.string({ maxLength: 20 }),
  topic: fc.string({ minLength: 1, maxLength: 30 }),
  tokens: fc.integer({ min: 300, max: 1500 }),
  maxTokens: fc.array(fc.integer({ min: 16, max: 100 }), { minLength: 1, maxLength: 5 }),
});

describe('prefill continuation loop (property)', () => {
  it('reproduces the target document byte for byte, while trimming every chunk does not', async () => {
    let naiveDiffers = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(promptArb, async ({ system, topic, tokens, maxTokens }) => {
        const prompt = `Write about ${topic} [emulator:tokens=${tokens}]`;
        const expected = targetDocument({ system, prompt });
        const ask = inProcess(system, prompt);
        expect(await prefillLoop(ask, maxTokens)).toBe(expected);
        runs++;
        if ((await naiveLoop(ask, maxTokens, 400)) !== expected) naiveDiffers++;
      }),
      { numRuns: 220, seed: 20251001 },
    );
    expect(runs).toBe(220);
    expect(naiveDiffers / runs).toBeGreaterThan(0.9);
  });

  describe('against the server with the real SDK', () => {
    let emulator: RunningEmulator;
    beforeAll(async () => {
      emulator = await startBedrockEmulator();
    });
    afterAll(async () => {
      await emulator.close();
    });

    it('reproduces documents through InvokeModel and Converse', async () => {
      const client = bedrockClient(emulator.url);
      const invoke =
        (system: string, prompt: string): Ask =>
        async (prefill, maxTokens) => {
          const response = await client.send(
            new InvokeModelCommand({
              modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
              body: JSON.stringify({
                anthropic_version: 'bedrock-2023-05-31',
                max_tokens: maxTokens,
                system,
                messages: [
                  { role: 'user', content: prompt },
                  ...(prefill === undefined
                    ? []
                    : [{ role: 'assistant', content: [{ type: 'text', text: prefill }] }]),
                ],
              }),
            }),
          );
          const body = JSON.parse(new TextDecoder().decode(response.body));
          return {
            text: body.content.map((block: { text: string }) => block.text).join(''),
            stopReason: body.stop_reason,
          };
        };
      const converse =
        (system: string, prompt: string): Ask =>
        async (prefill, maxTokens) => {
          const response = await client.send(
            new ConverseCommand({
              modelId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
              system: [{ text: system }],
              messages: [
                { role: 'user', content: [{ text: prompt }] },
                ...(prefill === undefined
                  ? []
                  : [{ role: 'assistant' as const, content: [{ text: prefill }] }]),
              ],
              inferenceConfig: { maxTokens },
            }),
          );
          const text = (response.output?.message?.content ?? []).map((block) => block.text ?? '').join('');
          return { text, stopReason: response.stopReason ?? '' };
        };
      await fc.assert(
        fc.asyncProperty(
          fc.string({ minLength: 1, maxLength: 20 }),
          fc.integer({ min: 50, max: 400 }),
          fc.array(fc.integer({ min: 30, max: 200 }), { minLength: 1, maxLength: 3 }),
          fc.boolean(),
          async (topic, tokens, maxTokens, useConverse) => {
            const system = 'You write long documents.';
            const prompt = `Document on ${topic} [emulator:tokens=${tokens}]`;
            const ask = (useConverse ? converse : invoke)(system, prompt);
            expect(await prefillLoop(ask, maxTokens)).toBe(targetDocument({ system, prompt }));
          },
        ),
        { numRuns: 12, seed: 7 },
      );
    });
  });
});
