import { ConverseCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokens, type RunningEmulator, startBedrockEmulator } from '../../../local/bedrock-emulator';
import type { CachePoint, Conversation } from '../../../local/bedrock-emulator/conversation';
import { type ModelSpec, resolveModel } from '../../../local/bedrock-emulator/model-catalog';
import { PromptCache, validateCachePoints } from '../../../local/bedrock-emulator/prompt-cache';
import { bedrockClient, rejection } from './sdk-clients';

const model = (id: string) => (resolveModel(id) as { model: ModelSpec }).model;
const SONNET_46 = model('us.anthropic.claude-sonnet-4-6'); // caches from 1,024 tokens, 5 minutes only
const HAIKU_45 = model('us.anthropic.claude-haiku-4-5-20251001-v1:0'); // from 4,096, the hour too
const NOVA = model('amazon.nova-pro-v1:0');

/** Distinct blocks of about 700 emulator tokens each. */
const blocks = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => `Block ${i + from}: ${'tide pool kelp '.repeat(140)}`);

/** A conversation of a user prompt and `texts` as the assistant's blocks, cache points after `points`. */
function conversation(texts: string[], points: number[], ttl: CachePoint['ttl'] = '5m'): Conversation {
  return {
    system: '',
    messages: [
      { role: 'user', texts: ['Write'] },
      { role: 'assistant', texts },
    ],
    cachePoints: points.map((afterTexts) => ({ message: 1, afterTexts, ttl })),
  };
}

const tokensOf = (texts: string[]) => countTokens('Write') + texts.reduce((n, t) => n + countTokens(t), 0);

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('PromptCache', () => {
  it('writes the prefix at a cache point, then reads it for the same bytes; the rest stays uncached', () => {
    const cache = new PromptCache(clock().now);
    const texts = blocks(4);
    const first = cache.account(SONNET_46, conversation(texts, [3]));
    const prefix = tokensOf(texts.slice(0, 3));
    expect(first).toEqual({ uncached: tokensOf(texts) - prefix, read: 0, written: prefix });
    expect(cache.account(SONNET_46, conversation(texts, [3]))).toEqual({
      uncached: tokensOf(texts) - prefix,
      read: prefix,
      written: 0,
    });
    // Other bytes before the point: a miss, and a write of its own.
    const changed = ['Block 0 changed', ...texts.slice(1)];
    expect(cache.account(SONNET_46, conversation(changed, [3])).read).toBe(0);
  });

  it('a longer document reads the earlier prefix by looking back, and writes only what is new', () => {
    const cache = new PromptCache(clock().now);
    const texts = blocks(30);
    cache.account(SONNET_46, conversation(texts.slice(0, 5), [4]));
    const grown = cache.account(SONNET_46, conversation(texts.slice(0, 10), [9]));
    expect(grown.read).toBe(tokensOf(texts.slice(0, 4)));
    expect(grown.written).toBe(tokensOf(texts.slice(0, 9)) - grown.read);
    // More than 20 blocks past the last cached boundary: the look-back does not reach it...
    expect(cache.account(SONNET_46, conversation(texts, [30])).read).toBe(0);
    // ...unless an earlier cache point in the same request does.
    const cache2 = new PromptCache(clock().now);
    cache2.account(SONNET_46, conversation(texts.slice(0, 5), [4]));
    expect(cache2.account(SONNET_46, conversation(texts, [14, 30])).read).toBe(tokensOf(texts.slice(0, 4)));
  });

  it('writes nothing below the model minimum, and nothing for a model without caching', () => {
    const cache = new PromptCache(clock().now);
    const texts = blocks(6); // 1,024 < 5 blocks < 4,096 tokens
    expect(cache.account(HAIKU_45, conversation(texts, [5])).written).toBe(0);
    expect(cache.account(HAIKU_45, conversation(texts, [5])).read).toBe(0);
    expect(cache.account(NOVA, conversation(texts, [5]))).toEqual({
      uncached: tokensOf(texts),
      read: 0,
      written: 0,
    });
  });

  it('expires after 5 minutes unless read, each read renewing it; the hour TTL where the model has it', () => {
    const time = clock();
    const cache = new PromptCache(time.now);
    const texts = blocks(8);
    cache.account(SONNET_46, conversation(texts, [7]));
    time.advance(4 * 60_000);
    expect(cache.account(SONNET_46, conversation(texts, [7])).read).toBeGreaterThan(0);
    time.advance(4 * 60_000);
    expect(cache.account(SONNET_46, conversation(texts, [7])).read).toBeGreaterThan(0);
    time.advance(5 * 60_000);
    expect(cache.account(SONNET_46, conversation(texts, [7])).read).toBe(0);

    cache.account(HAIKU_45, conversation(texts, [7], '1h'));
    cache.account(SONNET_46, conversation(blocks(8, 100), [7], '1h'));
    time.advance(30 * 60_000);
    expect(cache.account(HAIKU_45, conversation(texts, [7], '1h')).read).toBeGreaterThan(0);
    expect(cache.account(SONNET_46, conversation(blocks(8, 100), [7], '1h')).read).toBe(0);
  });

  it('refuses more than 4 cache points and one before any content of its message', () => {
    expect(() => validateCachePoints('invoke', conversation(blocks(6), [1, 2, 3, 4, 5]))).toThrow(
      'A maximum of 4 blocks with cache_control may be provided. Found 5.',
    );
    expect(() => validateCachePoints('converse', conversation(blocks(2), [0]))).toThrow(
      /^The model returned the following errors: A cache point must follow a content block/,
    );
    expect(() => validateCachePoints('converse', conversation(blocks(6), [1, 2, 3, 4]))).not.toThrow();
  });
});

describe('prompt-cache usage on the wire', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startBedrockEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  const texts = blocks(4);
  it('Converse reports cacheWriteInputTokens, then cacheReadInputTokens, inputTokens only the rest', async () => {
    const client = bedrockClient(emulator.url, 'http2');
    const send = () =>
      client.send(
        new ConverseCommand({
          modelId: 'us.anthropic.claude-sonnet-4-6',
          messages: [
            { role: 'user', content: [{ text: 'Write' }] },
            {
              role: 'assistant',
              content: [...texts.slice(0, 3).map((text) => ({ text })), { cachePoint: { type: 'default' } }],
            },
            { role: 'user', content: [{ text: 'Go on' }] },
          ],
          inferenceConfig: { maxTokens: 5 },
        }),
      );
    const prefix = tokensOf(texts.slice(0, 3));
    const first = (await send()).usage;
    expect(first).toMatchObject({ cacheWriteInputTokens: prefix, cacheReadInputTokens: 0 });
    expect(first?.inputTokens).toBe(countTokens('Go on'));
    expect((await send()).usage).toMatchObject({ cacheReadInputTokens: prefix, cacheWriteInputTokens: 0 });
  });

  it('InvokeModel reports cache_creation_input_tokens and cache_read_input_tokens', async () => {
    const client = bedrockClient(emulator.url, 'http1.1');
    const body = JSON.stringify({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 5,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Write' }] },
        {
          role: 'assistant',
          content: texts.map((text, i) => ({
            type: 'text',
            text: i === 3 ? 'tail' : text,
            ...(i === 2 ? { cache_control: { type: 'ephemeral' } } : {}),
          })),
        },
      ],
    });
    const send = async () => {
      const output = await client.send(
        new InvokeModelCommand({ modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', body }),
      );
      return JSON.parse(new TextDecoder().decode(output.body)).usage;
    };
    // Three blocks are under Haiku 4.5's 4,096-token minimum: nothing cached, the call succeeds.
    expect(await send()).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    const tooMany = JSON.parse(body);
    tooMany.messages[1].content = blocks(5).map((text) => ({
      type: 'text',
      text,
      cache_control: { type: 'ephemeral' },
    }));
    const error = await rejection(() =>
      client.send(
        new InvokeModelCommand({
          modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
          body: JSON.stringify(tooMany),
        }),
      ),
    );
    expect(error.name).toBe('ValidationException');
  });
});
