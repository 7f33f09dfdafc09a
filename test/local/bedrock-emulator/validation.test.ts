import {
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  InvokeModelCommand,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokens, type RunningEmulator, startBedrockEmulator } from '../../../local/bedrock-emulator';
import { bedrockClient, PROTOCOLS, rejection } from './sdk-clients';

const HAIKU_45 = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const SONNET_46 = 'eu.anthropic.claude-sonnet-4-6';
const OPUS_46 = 'global.anthropic.claude-opus-4-6-v1';
const OPUS_47 = 'us.anthropic.claude-opus-4-7';
const NOVA = 'us.amazon.nova-pro-v1:0';
const LLAMA = 'meta.llama3-8b-instruct-v1:0';
const WRAP = 'The model returned the following errors: ';
const NO_PREFILL =
  'This model does not support assistant message prefill. The conversation must end with a user message.';
const TRAILING = 'messages: final assistant content cannot end with trailing whitespace';

/** A prompt of about 198000 tokens (just under Claude's 200k window) and one of about 206000. */
const NEAR_FULL = 'word '.repeat(118_800);
const OVER_FULL = 'word '.repeat(123_600);

type Send = (client: BedrockRuntimeClient) => Promise<unknown>;

function invoke(modelId: string, body: Record<string, unknown> | string): Send {
  return (client) =>
    client.send(
      new InvokeModelCommand({
        modelId,
        body:
          typeof body === 'string'
            ? body
            : JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', ...body }),
      }),
    );
}

const user = (text: string) => ({ role: 'user', content: text });
const assistant = (text: string) => ({ role: 'assistant', content: text });

function converse(modelId: string, messages: Message[], extra: Partial<ConverseCommandInput> = {}): Send {
  return (client) => client.send(new ConverseCommand({ modelId, messages, ...extra }));
}

const cUser = (text: string): Message => ({ role: 'user', content: [{ text }] });
const cAssistant = (text: string): Message => ({ role: 'assistant', content: [{ text }] });

const cases: [string, Send, string, string][] = [
  // InvokeModel (Anthropic Messages body)
  [
    'invoke: malformed JSON',
    invoke(HAIKU_45, '{"anthropic_version": '),
    'ValidationException',
    'Malformed input request, please reformat your input and try again.',
  ],
  [
    'invoke: no anthropic_version',
    (c) =>
      c.send(
        new InvokeModelCommand({
          modelId: HAIKU_45,
          body: JSON.stringify({ max_tokens: 5, messages: [user('x')] }),
        }),
      ),
    'ValidationException',
    'anthropic_version: Field required',
  ],
  [
    'invoke: wrong anthropic_version',
    invoke(HAIKU_45, { anthropic_version: 'bedrock-2099-01-01', max_tokens: 5, messages: [user('x')] }),
    'ValidationException',
    'Invalid API version: bedrock-2099-01-01',
  ],
  [
    'invoke: max_tokens missing',
    invoke(HAIKU_45, { messages: [user('x')] }),
    'ValidationException',
    'max_tokens: Field required',
  ],
  [
    'invoke: max_tokens below 1',
    invoke(HAIKU_45, { max_tokens: 0, messages: [user('x')] }),
    'ValidationException',
    'max_tokens: Input should be greater than or equal to 1',
  ],
  [
    'invoke: max_tokens above the model limit',
    invoke(HAIKU_45, { max_tokens: 64001, messages: [user('x')] }),
    'ValidationException',
    'max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-haiku-4-5-20251001',
  ],
  [
    'invoke: no messages field',
    invoke(HAIKU_45, { max_tokens: 5 }),
    'ValidationException',
    'messages: Field required',
  ],
  [
    'invoke: empty messages',
    invoke(HAIKU_45, { max_tokens: 5, messages: [] }),
    'ValidationException',
    'messages: at least one message is required',
  ],
  [
    'invoke: first turn not user',
    invoke(HAIKU_45, { max_tokens: 5, messages: [assistant('a'), user('b')] }),
    'ValidationException',
    'messages: first message must use the "user" role',
  ],
  [
    'invoke: roles not alternating',
    invoke(HAIKU_45, { max_tokens: 5, messages: [user('a'), user('b')] }),
    'ValidationException',
    'messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row',
  ],
  [
    'invoke: unknown role',
    invoke(HAIKU_45, { max_tokens: 5, messages: [user('a'), { role: 'system', content: 'b' }] }),
    'ValidationException',
    "messages.1.role: Input should be 'user' or 'assistant'",
  ],
  [
    'invoke: empty text block',
    invoke(HAIKU_45, { max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }),
    'ValidationException',
    'messages: text content blocks must be non-empty',
  ],
  [
    'invoke: whitespace-only text block',
    invoke(HAIKU_45, { max_tokens: 5, messages: [user(' \n\t ')] }),
    'ValidationException',
    'messages: text content blocks must contain non-whitespace text',
  ],
  [
    'invoke: final assistant turn with trailing white space',
    invoke(HAIKU_45, { max_tokens: 5, messages: [user('a'), assistant('Once upon a time ')] }),
    'ValidationException',
    TRAILING,
  ],
  [
    'invoke: prefill on a no-prefill Claude',
    invoke(OPUS_46, { max_tokens: 5, messages: [user('a'), assistant('Once')] }),
    'ValidationException',
    NO_PREFILL,
  ],
  [
    'invoke: temperature on Opus 4.7',
    invoke(OPUS_47, { max_tokens: 5, temperature: 0.5, messages: [user('a')] }),
    'ValidationException',
    'temperature is deprecated for this model.',
  ],
  [
    'invoke: top_k on Opus 4.7',
    invoke(OPUS_47, { max_tokens: 5, top_k: 5, messages: [user('a')] }),
    'ValidationException',
    'top_k is deprecated for this model.',
  ],
  [
    'invoke: temperature with top_p on Haiku 4.5',
    invoke(HAIKU_45, { max_tokens: 5, temperature: 0.5, top_p: 0.9, messages: [user('a')] }),
    'ValidationException',
    '`temperature` and `top_p` cannot both be specified for this model. Please use only one.',
  ],
  [
    'invoke: temperature with top_p on Opus 4.6',
    invoke(OPUS_46, { max_tokens: 5, temperature: 0.5, top_p: 0.9, messages: [user('a')] }),
    'ValidationException',
    '`temperature` and `top_p` cannot both be specified for this model. Please use only one.',
  ],
  [
    'invoke: input + max_tokens over the context window',
    invoke(HAIKU_45, { max_tokens: 4096, messages: [user(NEAR_FULL)] }),
    'ValidationException',
    `input length and \`max_tokens\` exceed context limit: ${countTokens(NEAR_FULL)} + 4096 > 200000, decrease input length or \`max_tokens\` and try again`,
  ],
  [
    'invoke: prompt over the context window',
    invoke(HAIKU_45, { max_tokens: 10, messages: [user(OVER_FULL)] }),
    'ValidationException',
    `prompt is too long: ${countTokens(OVER_FULL)} tokens > 200000 maximum`,
  ],
  [
    'invoke: a misspelled Anthropic field',
    invoke(HAIKU_45, { max_tokens: 5, messages: [user('a')], topP: 0.5, stopSequences: ['x'] }),
    'ValidationException',
    'Malformed input request: #: extraneous key [topP] is not permitted, #: extraneous key [stopSequences] is not permitted, please reformat your input and try again.',
  ],
  [
    'invoke: Nova model',
    invoke(NOVA, { max_tokens: 5, messages: [user('a')] }),
    'ValidationException',
    'Malformed input request: #: extraneous key [anthropic_version] is not permitted, #: extraneous key [max_tokens] is not permitted, please reformat your input and try again.',
  ],
  [
    'invoke: Llama model',
    invoke(LLAMA, { max_tokens: 5, messages: [user('a')] }),
    'ValidationException',
    'Malformed input request: #: required key [prompt] not found, #: extraneous key [anthropic_version] is not permitted, #: extraneous key [max_tokens] is not permitted, #: extraneous key [messages] is not permitted, please reformat your input and try again.',
  ],
  [
    'invoke: unknown model',
    invoke('anthropic.claude-9-v1:0', { max_tokens: 5, messages: [user('a')] }),
    'ValidationException',
    'The provided model identifier is invalid.',
  ],
  // Converse
  [
    'converse: maxTokens below 1',
    converse(HAIKU_45, [cUser('a')], { inferenceConfig: { maxTokens: 0 } }),
    'ValidationException',
    "1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1",
  ],
  [
    'converse: maxTokens above the model limit',
    converse(SONNET_46, [cUser('a')], { inferenceConfig: { maxTokens: 128001 } }),
    'ValidationException',
    'The maximum tokens you requested exceeds the model limit of 128000. Try again with a maximum tokens value that is lower than 128000.',
  ],
  [
    'converse: empty messages',
    converse(HAIKU_45, []),
    'ValidationException',
    'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
  ],
  [
    'converse: first turn not user',
    converse(HAIKU_45, [cAssistant('a'), cUser('b')]),
    'ValidationException',
    'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
  ],
  [
    'converse: roles not alternating',
    converse(NOVA, [cUser('a'), cUser('b')]),
    'ValidationException',
    'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.',
  ],
  [
    'converse: empty text block',
    converse(HAIKU_45, [
      cUser('a'),
      cAssistant('b'),
      { role: 'user', content: [{ text: 'c' }, { text: '' }] },
    ]),
    'ValidationException',
    'The text field in the ContentBlock object at messages.2.content.1 is blank. Add text to the text field, and try again.',
  ],
  [
    'converse: whitespace-only text block (Claude)',
    converse(HAIKU_45, [cUser('  ')]),
    'ValidationException',
    `${WRAP}messages: text content blocks must contain non-whitespace text`,
  ],
  [
    'converse: whitespace-only text block (Nova)',
    converse(NOVA, [cUser('  ')]),
    'ValidationException',
    'The text field in the ContentBlock object at messages.0.content.0 is blank. Add text to the text field, and try again.',
  ],
  [
    'converse: message without content',
    converse(HAIKU_45, [{ role: 'user', content: [] }]),
    'ValidationException',
    'The content field in the Message object at messages.0 is empty. Add a ContentBlock object to the content field and try again.',
  ],
  [
    'converse: final assistant turn with trailing white space',
    converse(HAIKU_45, [cUser('a'), cAssistant('Once\n')]),
    'ValidationException',
    `${WRAP}${TRAILING}`,
  ],
  [
    'converse: prefill on a no-prefill Claude',
    converse(OPUS_47, [cUser('a'), cAssistant('Once')]),
    'ValidationException',
    `${WRAP}${NO_PREFILL}`,
  ],
  [
    'converse: prefill on Llama',
    converse(LLAMA, [cUser('a'), cAssistant('Once')]),
    'ValidationException',
    'The model that you are using requires the last turn in the conversation to be a user message. Add a user message to the conversation and try again.',
  ],
  [
    'converse: topP on Opus 4.7',
    converse(OPUS_47, [cUser('a')], { inferenceConfig: { topP: 0.9 } }),
    'ValidationException',
    `${WRAP}top_p is deprecated for this model.`,
  ],
  [
    'converse: top_k field on Opus 4.7',
    converse(OPUS_47, [cUser('a')], { additionalModelRequestFields: { top_k: 3 } }),
    'ValidationException',
    `${WRAP}top_k is deprecated for this model.`,
  ],
  [
    'converse: temperature with topP on Sonnet 4.6',
    converse(SONNET_46, [cUser('a')], { inferenceConfig: { temperature: 0.2, topP: 0.9 } }),
    'ValidationException',
    `${WRAP}\`temperature\` and \`top_p\` cannot both be specified for this model. Please use only one.`,
  ],
  [
    'converse: temperature on Sonnet 5',
    converse('global.anthropic.claude-sonnet-5', [cUser('a')], { inferenceConfig: { temperature: 1 } }),
    'ValidationException',
    `${WRAP}temperature is deprecated for this model.`,
  ],
  [
    'converse: a retired model (Sonnet 4.5)',
    converse('us.anthropic.claude-sonnet-4-5-20250929-v1:0', [cUser('a')]),
    'ResourceNotFoundException',
    'This model version has reached the end of its life.',
  ],
  [
    'invoke: a retired model (Claude 3 Haiku)',
    invoke('anthropic.claude-3-haiku-20240307-v1:0', { max_tokens: 5, messages: [user('a')] }),
    'ResourceNotFoundException',
    'This model version has reached the end of its life.',
  ],
  [
    'invoke: a bare id of a model that needs an inference profile',
    invoke('anthropic.claude-opus-4-8', { max_tokens: 5, messages: [user('a')] }),
    'ValidationException',
    'Invocation of model ID anthropic.claude-opus-4-8 with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.',
  ],
  [
    'converse: prompt over the context window (Claude)',
    converse(HAIKU_45, [cUser(OVER_FULL)], { inferenceConfig: { maxTokens: 10 } }),
    'ValidationException',
    `${WRAP}prompt is too long: ${countTokens(OVER_FULL)} tokens > 200000 maximum`,
  ],
  [
    'converse: input over the context window (Llama)',
    converse(LLAMA, [cUser('word '.repeat(5000))], { inferenceConfig: { maxTokens: 100 } }),
    'ValidationException',
    'Input is too long for requested model.',
  ],
  [
    'converse: unknown model',
    converse('us.anthropic.claude-nope', [cUser('a')]),
    'ValidationException',
    'The provided model identifier is invalid.',
  ],
];

describe.each(PROTOCOLS)('validation over %s, through the real SDK', (protocol) => {
  let emulator: RunningEmulator;
  let client: BedrockRuntimeClient;
  beforeAll(async () => {
    emulator = await startBedrockEmulator();
    client = bedrockClient(emulator.url, protocol);
  });
  afterAll(async () => {
    client.destroy();
    await emulator.close();
  });

  it('sizes the context-window prompts as intended', () => {
    expect(countTokens(NEAR_FULL)).toBeGreaterThan(200_000 - 4096);
    expect(countTokens(NEAR_FULL)).toBeLessThanOrEqual(200_000);
    expect(countTokens(OVER_FULL)).toBeGreaterThan(200_000);
    expect(countTokens('word '.repeat(5000)) + 100).toBeGreaterThan(8192);
  });

  it.each(cases)('%s', async (_name, send, errorName, message) => {
    const error = await rejection(() => send(client));
    expect(error.name).toBe(errorName);
    expect(error.message).toBe(message);
    expect(error.$metadata?.httpStatusCode).toBe(errorName === 'ResourceNotFoundException' ? 404 : 400);
  });

  it('accepts what the same models allow', async () => {
    await expect(
      invoke(HAIKU_45, { max_tokens: 5, temperature: 0.5, messages: [user('a')] })(client),
    ).resolves.toBeDefined();
    await expect(
      invoke(OPUS_46, { max_tokens: 5, top_p: 0.9, messages: [user('a')] })(client),
    ).resolves.toBeDefined();
    await expect(
      converse('us.meta.llama4-maverick-17b-instruct-v1:0', [cUser('a')], {
        inferenceConfig: { temperature: 0.5, topP: 0.9 },
      })(client),
    ).resolves.toBeDefined();
    await expect(converse(NOVA, [cUser('a'), cAssistant('Once')])(client)).resolves.toBeDefined();
    await expect(
      converse(OPUS_47, [cUser('a'), cAssistant('Once'), cUser('go on')])(client),
    ).resolves.toBeDefined();
    await expect(
      invoke(HAIKU_45, { max_tokens: 4096, messages: [user('a')] })(client),
    ).resolves.toBeDefined();
  });
});

describe('validation outside the SDK', () => {
  it('rejects a malformed Converse JSON body', async () => {
    const emulator = await startBedrockEmulator();
    try {
      const response = await fetch(`${emulator.url}/model/${encodeURIComponent(HAIKU_45)}/converse`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"messages": [',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
      expect(await response.json()).toEqual({
        message: 'Malformed input request, please reformat your input and try again.',
      });
    } finally {
      await emulator.close();
    }
  });
});
