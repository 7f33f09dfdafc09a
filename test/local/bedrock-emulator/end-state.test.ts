import { ConverseCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startBedrockEmulator, targetDocument } from '../../../local/bedrock-emulator';
import { bedrockClient, rejection } from './sdk-clients';

const SONNET = 'us.anthropic.claude-sonnet-4-6';
const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startBedrockEmulator();
});
afterAll(async () => {
  await emulator.close();
});

/** One Converse call: the prompt, then (when given) the document so far as a prefill. */
async function converse(prompt: string, soFar?: string) {
  return bedrockClient(emulator.url).send(
    new ConverseCommand({
      modelId: HAIKU,
      messages: [
        { role: 'user', content: [{ text: prompt }] },
        ...(soFar === undefined ? [] : [{ role: 'assistant' as const, content: [{ text: soFar }] }]),
      ],
      inferenceConfig: { maxTokens: 50 },
    }),
  );
}

async function invoke(prompt: string) {
  const response = await bedrockClient(emulator.url).send(
    new InvokeModelCommand({
      modelId: SONNET,
      body: JSON.stringify({
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 50,
        messages: [{ role: 'user', content: prompt }],
      }),
    }),
  );
  return JSON.parse(new TextDecoder().decode(response.body));
}

describe('end-state directives', () => {
  it.each(['model_context_window_exceeded', 'refusal', 'guardrail_intervened', 'content_filtered'])(
    'Converse answers stop reason %s once the document has reached the given length',
    async (reason) => {
      const prompt = `A report [emulator:tokens=600] [emulator:stop=${reason}@100]`;
      const document = targetDocument({ prompt });
      const early = await converse(prompt);
      expect(early.stopReason).toBe('max_tokens');
      const soFar = document.slice(0, 400).trimEnd();
      const late = await converse(prompt, soFar);
      expect(late.stopReason).toBe(reason);
      const text = late.output?.message?.content?.[0]?.text ?? '';
      expect(text.length).toBeGreaterThan(0);
      expect(document.startsWith(soFar + text)).toBe(true);
    },
  );

  it.each(['model_context_window_exceeded', 'refusal'])(
    'InvokeModel answers stop_reason %s (an Anthropic Messages stop reason)',
    async (reason) => {
      const body = await invoke(`Notes [emulator:stop=${reason}@0]`);
      expect(body.stop_reason).toBe(reason);
      expect(body.stop_sequence).toBeNull();
    },
  );

  it.each(['guardrail_intervened', 'content_filtered'])(
    'InvokeModel refuses %s, a Converse-only stop reason, so a test cannot rely on it there',
    async (reason) => {
      const error = await rejection(() => invoke(`Notes [emulator:stop=${reason}@0]`));
      expect(error.name).toBe('ValidationException');
      expect(error.message).toMatch(/cannot follow .* on InvokeModel/);
    },
  );

  it('answers the content-filter 400 on both APIs once the document has reached the given length', async () => {
    const prompt = 'A story [emulator:fail=content-filter@100]';
    expect((await converse(prompt)).stopReason).toBe('max_tokens');
    const soFar = targetDocument({ prompt }).slice(0, 400).trimEnd();
    const error = await rejection(() => converse(prompt, soFar));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('Output blocked by content filtering policy');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    const invoked = await rejection(() => invoke('A story [emulator:fail=content-filter@0]'));
    expect(invoked.message).toBe('Output blocked by content filtering policy');
  });

  it('refuses a directive it does not know, naming it', async () => {
    const error = await rejection(() => converse('x [emulator:stop=tool_use@0]'));
    expect(error.message).toBe('The emulator cannot follow [emulator:stop=tool_use@0] on Converse.');
  });
});

describe('model lifecycle', () => {
  it('keeps legacy models callable, or refuses them as Bedrock does an account that stopped using them', async () => {
    const ask = (url: string) =>
      bedrockClient(url).send(
        new ConverseCommand({ modelId: HAIKU, messages: [{ role: 'user', content: [{ text: 'x' }] }] }),
      );
    expect((await ask(emulator.url)).stopReason).toBeDefined();
    const inactive = await startBedrockEmulator({ legacyInactive: true });
    try {
      const error = await rejection(() => ask(inactive.url));
      expect(error.name).toBe('ResourceNotFoundException');
      expect(error.$metadata?.httpStatusCode).toBe(404);
      expect(error.message).toMatch(/^Access denied\. This Model is marked by provider as Legacy/);
      const current = await bedrockClient(inactive.url).send(
        new ConverseCommand({ modelId: SONNET, messages: [{ role: 'user', content: [{ text: 'x' }] }] }),
      );
      expect(current.stopReason).toBeDefined();
    } finally {
      await inactive.close();
    }
  });
});
