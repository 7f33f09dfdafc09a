import { ConverseCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countTokens,
  type RunningEmulator,
  startBedrockEmulator,
  targetDocument,
} from '../../../local/bedrock-emulator';
import { bedrockClient, PROTOCOLS } from './sdk-clients';

const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

function invokeBody(fields: Record<string, unknown>): string {
  return JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 40, ...fields });
}

describe.each(PROTOCOLS)('emulator over %s with the real SDK', (protocol) => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startBedrockEmulator({ documentTokens: 800 });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('answers Converse with the start of the target document and token usage', async () => {
    const client = bedrockClient(emulator.url, protocol);
    const response = await client.send(
      new ConverseCommand({
        modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        system: [{ text: 'Be thorough.' }],
        messages: [{ role: 'user', content: [{ text: 'Write a manual' }] }],
        inferenceConfig: { maxTokens: 25, temperature: 0.3 },
      }),
    );
    const text = response.output?.message?.content?.[0]?.text ?? '';
    const doc = targetDocument({ system: 'Be thorough.', prompt: 'Write a manual', defaultTokens: 800 });
    expect(response.output?.message?.role).toBe('assistant');
    expect(text.length).toBeGreaterThan(0);
    expect(doc.startsWith(text)).toBe(true);
    expect(response.stopReason).toBe('max_tokens');
    expect(response.usage).toEqual({
      inputTokens: countTokens('Be thorough.') + countTokens('Write a manual'),
      outputTokens: 25,
      totalTokens: countTokens('Be thorough.') + countTokens('Write a manual') + 25,
    });
    expect(response.metrics?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('answers InvokeModel with an Anthropic Messages response', async () => {
    const client = bedrockClient(emulator.url, protocol);
    const response = await client.send(
      new InvokeModelCommand({
        modelId: HAIKU,
        contentType: 'application/json',
        body: invokeBody({
          system: [{ type: 'text', text: 'Sys' }],
          messages: [{ role: 'user', content: [{ type: 'text', text: 'Write a story' }] }],
        }),
      }),
    );
    const body = JSON.parse(new TextDecoder().decode(response.body));
    const doc = targetDocument({ system: 'Sys', prompt: 'Write a story', defaultTokens: 800 });
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5-20251001',
      stop_reason: 'max_tokens',
      stop_sequence: null,
      usage: { input_tokens: countTokens('Sys') + countTokens('Write a story'), output_tokens: 40 },
    });
    expect(body.id).toMatch(/^msg_bdrk_/);
    expect(body.content).toHaveLength(1);
    expect(body.content[0].type).toBe('text');
    expect(doc.startsWith(body.content[0].text)).toBe(true);
  });

  it('continues a prefill to the end of the document and ends the turn', async () => {
    const client = bedrockClient(emulator.url, protocol);
    const prompt = 'Short one [emulator:tokens=120]';
    const doc = targetDocument({ prompt });
    const sent = doc.slice(0, 150).trimEnd();
    const response = await client.send(
      new InvokeModelCommand({
        modelId: HAIKU,
        body: invokeBody({
          max_tokens: 4096,
          messages: [
            { role: 'user', content: prompt },
            { role: 'assistant', content: sent },
          ],
        }),
      }),
    );
    const body = JSON.parse(new TextDecoder().decode(response.body));
    expect(body.stop_reason).toBe('end_turn');
    expect(sent + body.content[0].text).toBe(doc);
  });

  it('stops at a stop sequence and reports it', async () => {
    const client = bedrockClient(emulator.url, protocol);
    const doc = targetDocument({ prompt: 'Stops', defaultTokens: 800 });
    const stop = doc.slice(30, 34);
    const response = await client.send(
      new InvokeModelCommand({
        modelId: HAIKU,
        body: invokeBody({ stop_sequences: [stop], messages: [{ role: 'user', content: 'Stops' }] }),
      }),
    );
    const body = JSON.parse(new TextDecoder().decode(response.body));
    expect(body.stop_reason).toBe('stop_sequence');
    expect(body.stop_sequence).toBe(stop);
    expect(body.content[0].text).toBe(doc.slice(0, doc.indexOf(stop)));

    const converse = await client.send(
      new ConverseCommand({
        modelId: 'amazon.nova-pro-v1:0',
        messages: [{ role: 'user', content: [{ text: 'Stops' }] }],
        inferenceConfig: { maxTokens: 40, stopSequences: [stop] },
      }),
    );
    expect(converse.stopReason).toBe('stop_sequence');
    expect(converse.output?.message?.content?.[0]?.text).toBe(doc.slice(0, doc.indexOf(stop)));
  });

  it('resolves every inference-profile prefix and URL-encoded ARNs', async () => {
    const client = bedrockClient(emulator.url, protocol);
    const ids = [
      ...['us.', 'us-gov.', 'eu.', 'apac.', 'jp.', 'au.', 'ca.', 'global.'].map(
        (prefix) => `${prefix}anthropic.claude-opus-4-6-v1`,
      ),
      'arn:aws:bedrock:us-east-1:000000000000:inference-profile/us.anthropic.claude-opus-4-6-v1',
      'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0',
    ];
    const ask = (modelId: string) =>
      client.send(
        new ConverseCommand({
          modelId,
          messages: [{ role: 'user', content: [{ text: 'hi' }] }],
          inferenceConfig: { maxTokens: 5 },
        }),
      );
    for (const modelId of ids) expect((await ask(modelId)).usage?.outputTokens).toBe(5);
    // The newer Claude models are not callable on demand by their bare id, as on Bedrock.
    for (const modelId of [
      'anthropic.claude-opus-4-6-v1',
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus-4-6-v1',
    ]) {
      await expect(ask(modelId)).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(/on-demand throughput isn’t supported.*inference profile/),
      });
    }
  });

  it('continues after the assistant text in instruction mode, with seeded quirks when set', async () => {
    const client = bedrockClient(emulator.url, protocol);
    const doc = targetDocument({ prompt: 'Guide', defaultTokens: 800 });
    const sent = doc.slice(0, 200);
    const ask = () =>
      client.send(
        new ConverseCommand({
          modelId: 'us.anthropic.claude-opus-4-7',
          messages: [
            { role: 'user', content: [{ text: 'Guide' }] },
            { role: 'assistant', content: [{ text: sent }] },
            { role: 'user', content: [{ text: 'Continue exactly where you stopped.' }] },
          ],
          inferenceConfig: { maxTokens: 60 },
        }),
      );
    const plain = (await ask()).output?.message?.content?.[0]?.text ?? '';
    expect(doc.startsWith(sent + plain)).toBe(true);
    emulator.setInstructionQuirks({ seed: 1, preambleRate: 1 });
    const quirky = (await ask()).output?.message?.content?.[0]?.text ?? '';
    emulator.setInstructionQuirks(undefined);
    // One line of chatter, a blank line, then the real continuation.
    const blank = /\r?\n(?:[ \t]*\r?\n)+/.exec(quirky);
    expect(blank?.index).toBeGreaterThan(0);
    const body = quirky.slice((blank?.index ?? 0) + (blank?.[0].length ?? 0));
    expect(body.length).toBeGreaterThan(0);
    expect(doc.startsWith(sent + body)).toBe(true);
  });
});

describe('emulator server', () => {
  it('answers unknown routes with 404 UnknownOperationException', async () => {
    const emulator = await startBedrockEmulator();
    try {
      const response = await fetch(`${emulator.url}/model/${HAIKU}/converse-streaming`, {
        method: 'POST',
        body: '{}',
      });
      expect(response.status).toBe(404);
      expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
      expect(await response.json()).toHaveProperty('message');
      expect(emulator.stats().requests).toBe(0);
    } finally {
      await emulator.close();
    }
  });

  it('closes promptly while an HTTP/2 session is still open', async () => {
    const emulator = await startBedrockEmulator();
    const client = bedrockClient(emulator.url, 'http2');
    await client.send(
      new ConverseCommand({
        modelId: HAIKU,
        messages: [{ role: 'user', content: [{ text: 'x' }] }],
        inferenceConfig: { maxTokens: 3 },
      }),
    );
    const closed = await Promise.race([
      emulator.close().then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('still open'), 2000)),
    ]);
    expect(closed).toBe('closed');
    client.destroy();
  });

  it('binds the requested port on loopback', async () => {
    const first = await startBedrockEmulator();
    const port = first.port;
    await first.close();
    const second = await startBedrockEmulator({ port });
    try {
      expect(second.url).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await second.close();
    }
  });
});
