import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../functions/core/errors';
import type { JobDefaults } from '../../../functions/core/job-config';
import {
  MAX_INPUT_TEXT_BYTES,
  MAX_MESSAGES,
  MAX_ROUNDS_LIMIT,
  MAX_STOP_SEQUENCES,
  parseJobInput,
} from '../../../functions/core/job-input';

const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const HAIKU_3 = 'anthropic.claude-3-haiku-20240307-v1:0';
const DEFAULTS: JobDefaults = { modelId: HAIKU, maxTokensPerRound: 4096, maxRounds: 40, allowedModelIds: [] };

function invalid(raw: unknown, defaults: JobDefaults = DEFAULTS): InvalidInputError {
  try {
    parseJobInput(raw, defaults);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('parseJobInput accepts', () => {
  it('a prompt alone, with the stack defaults and no sampling fields', () => {
    const config = parseJobInput({ prompt: 'Write a guide' }, DEFAULTS);
    expect(config).toEqual({
      messages: [{ role: 'user', text: 'Write a guide' }],
      modelId: HAIKU,
      api: 'converse',
      maxTokensPerRound: 4096,
      maxRounds: 40,
      continuation: 'auto',
      stopSequences: [],
    });
    expect(Object.keys(config)).not.toContain('temperature');
  });

  it('every field of the public contract', () => {
    const config = parseJobInput(
      {
        prompt: 'Write',
        system: 'Be terse',
        modelId: `us.${HAIKU_3}`,
        api: 'invoke',
        maxTokensPerRound: 10,
        maxRounds: MAX_ROUNDS_LIMIT,
        continuation: 'instruction',
        temperature: 0,
        topP: 1,
        topK: 5,
        stopSequences: ['<END>'],
      },
      DEFAULTS,
    );
    expect(config).toEqual({
      messages: [{ role: 'user', text: 'Write' }],
      system: 'Be terse',
      modelId: `us.${HAIKU_3}`,
      api: 'invoke',
      maxTokensPerRound: 10,
      maxRounds: MAX_ROUNDS_LIMIT,
      continuation: 'instruction',
      temperature: 0,
      topP: 1,
      topK: 5,
      stopSequences: ['<END>'],
    });
  });

  it('alternating messages ending with a user turn, kept exactly', () => {
    const messages = [
      { role: 'user', text: 'Q1 ' },
      { role: 'assistant', text: ' A1\n' },
      { role: 'user', text: 'Q2' },
    ];
    expect(parseJobInput({ messages }, DEFAULTS).messages).toEqual(messages);
  });

  it('at least 1000 rounds', () => {
    expect(parseJobInput({ prompt: 'p', maxRounds: 1000 }, DEFAULTS).maxRounds).toBe(1000);
  });

  it('a model on the allow-list, and api invoke for every inference-profile prefix', () => {
    for (const prefix of ['', 'us.', 'eu.', 'apac.', 'jp.', 'global.']) {
      const modelId = `${prefix}${HAIKU}`;
      const config = parseJobInput(
        { prompt: 'p', modelId, api: 'invoke' },
        { ...DEFAULTS, allowedModelIds: [modelId] },
      );
      expect(config.api).toBe('invoke');
    }
  });

  it('a model id given as the ARN of an inference profile', () => {
    const modelId = 'arn:aws:bedrock:us-east-1:000000000000:inference-profile/us.anthropic.claude-sonnet-4-6';
    expect(parseJobInput({ prompt: 'p', modelId }, DEFAULTS).modelId).toBe(modelId);
  });

  it('the model output limit, and the generic bound for unknown models', () => {
    expect(parseJobInput({ prompt: 'p', maxTokensPerRound: 64_000 }, DEFAULTS).maxTokensPerRound).toBe(
      64_000,
    );
    const llama = parseJobInput(
      { prompt: 'p', modelId: 'meta.llama3-70b-instruct-v1:0', maxTokensPerRound: 128_000 },
      DEFAULTS,
    );
    expect(llama.maxTokensPerRound).toBe(128_000);
  });

  it('a default maxTokensPerRound capped at the named model limit', () => {
    const config = parseJobInput(
      { prompt: 'p', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' },
      { ...DEFAULTS, maxTokensPerRound: 8192 },
    );
    expect(config.maxTokensPerRound).toBe(4096);
    expect(
      parseJobInput({ prompt: 'p', modelId: 'meta.llama3-8b-instruct-v1:0' }, DEFAULTS).maxTokensPerRound,
    ).toBe(2048);
  });

  it('promptCaching: false kept, true or absent left out (caching on)', () => {
    expect(parseJobInput({ prompt: 'p', promptCaching: false }, DEFAULTS).promptCaching).toBe(false);
    expect('promptCaching' in parseJobInput({ prompt: 'p', promptCaching: true }, DEFAULTS)).toBe(false);
    expect('promptCaching' in parseJobInput({ prompt: 'p' }, DEFAULTS)).toBe(false);
  });

  it(`${MAX_STOP_SEQUENCES} stop sequences and a text of exactly ${MAX_INPUT_TEXT_BYTES} bytes`, () => {
    const stopSequences = Array.from({ length: MAX_STOP_SEQUENCES }, (_, i) => `#${i}`);
    expect(parseJobInput({ prompt: 'p', stopSequences }, DEFAULTS).stopSequences).toEqual(stopSequences);
    // '€' is 3 UTF-8 bytes: the limit counts bytes, not characters.
    const promptBytes = MAX_INPUT_TEXT_BYTES - 3;
    const prompt = '€'.repeat(Math.floor(promptBytes / 3)) + 'x'.repeat(promptBytes % 3);
    expect(parseJobInput({ prompt, system: 'abc' }, DEFAULTS).messages[0]?.text).toBe(prompt);
  });
});

const LONG = 'x'.repeat(100);

/** [what, input, field, words the message must hold]. */
const INVALID: [string, unknown, string, string[]][] = [
  ['not an object', 'Write a guide', 'input', ['JSON object']],
  ['null', null, 'input', ['JSON object']],
  ['an array', [{ prompt: 'p' }], 'input', ['JSON object']],
  ['no prompt nor messages', {}, 'prompt', ['"prompt"', '"messages"']],
  [
    'both prompt and messages',
    { prompt: 'p', messages: [{ role: 'user', text: 'm' }] },
    'prompt',
    ['not both'],
  ],
  ['an empty prompt', { prompt: '' }, 'prompt', ['non-empty string']],
  ['a whitespace-only prompt', { prompt: ' \n\t' }, 'prompt', ['non-empty string']],
  ['a numeric prompt', { prompt: 42 }, 'prompt', ['non-empty string', '42']],
  ['empty messages', { messages: [] }, 'messages', ['non-empty array']],
  ['messages as a string', { messages: 'hi' }, 'messages', ['array']],
  ['a turn without text', { messages: [{ role: 'user' }] }, 'messages[0].text', ['non-empty string']],
  [
    'a bad role',
    { messages: [{ role: 'system', text: 'x' }] },
    'messages[0].role',
    ['"user" or "assistant"', 'system'],
  ],
  [
    'a whitespace-only turn',
    {
      messages: [
        { role: 'user', text: 'a' },
        { role: 'assistant', text: 'b' },
        { role: 'user', text: '  ' },
      ],
    },
    'messages[2].text',
    ['non-empty'],
  ],
  [
    'an unknown turn field',
    { messages: [{ role: 'user', text: 'a', name: 'x' }] },
    'messages[0].name',
    ['"name"', 'role, text'],
  ],
  [
    'messages starting with assistant',
    { messages: [{ role: 'assistant', text: 'a' }] },
    'messages[0].role',
    ['"user"'],
  ],
  [
    'two user turns in a row',
    {
      messages: [
        { role: 'user', text: 'a' },
        { role: 'user', text: 'b' },
      ],
    },
    'messages[1].role',
    ['"assistant"', 'alternate'],
  ],
  [
    'messages ending with assistant',
    {
      messages: [
        { role: 'user', text: 'a' },
        { role: 'assistant', text: 'b' },
      ],
    },
    'messages[1].role',
    ['end with a user turn'],
  ],
  ['an empty system', { prompt: 'p', system: '' }, 'system', ['non-empty string']],
  ['a null system', { prompt: 'p', system: null }, 'system', ['null']],
  ['an empty modelId', { prompt: 'p', modelId: '' }, 'modelId', ['model', 'letters, digits']],
  ['a modelId with spaces', { prompt: 'p', modelId: ' anthropic.claude ' }, 'modelId', ['letters, digits']],
  ['a modelId with a slash', { prompt: 'p', modelId: 'a/b' }, 'modelId', ['inference-profile id', 'ARN']],
  [
    'a model not on the allow-list',
    { prompt: 'p', modelId: 'amazon.nova-pro-v1:0' },
    'modelId',
    [HAIKU, 'use one of'],
  ],
  ['an unknown api', { prompt: 'p', api: 'stream' }, 'api', ['"converse" or "invoke"', 'stream']],
  [
    'api invoke for a non-Anthropic model',
    { prompt: 'p', modelId: 'meta.llama3-70b-instruct-v1:0', api: 'invoke' },
    'api',
    ['"api": "converse"'],
  ],
  [
    'api invoke for a lookalike id',
    { prompt: 'p', modelId: 'xx.anthropic.claude-x', api: 'invoke' },
    'api',
    ['"api": "converse"'],
  ],
  [
    'maxTokensPerRound 0',
    { prompt: 'p', maxTokensPerRound: 0 },
    'maxTokensPerRound',
    [`from 1 to 64000 for ${HAIKU} (got 0)`],
  ],
  [
    'maxTokensPerRound over the model limit',
    { prompt: 'p', maxTokensPerRound: 64_001 },
    'maxTokensPerRound',
    ['64000', '64001'],
  ],
  [
    'maxTokensPerRound over a non-Claude model limit (Llama 3 8B)',
    { prompt: 'p', modelId: 'meta.llama3-8b-instruct-v1:0', maxTokensPerRound: 4096 },
    'maxTokensPerRound',
    ['1 to 2048', 'meta.llama3-8b-instruct-v1:0', '4096'],
  ],
  [
    'maxTokensPerRound fractional',
    { prompt: 'p', maxTokensPerRound: 10.5 },
    'maxTokensPerRound',
    ['integer', '10.5'],
  ],
  [
    'maxTokensPerRound as a string',
    { prompt: 'p', maxTokensPerRound: '100' },
    'maxTokensPerRound',
    ['integer', '"100"'],
  ],
  [
    'maxTokensPerRound over the generic bound',
    { prompt: 'p', modelId: 'meta.llama3-70b-instruct-v1:0', maxTokensPerRound: 128_001 },
    'maxTokensPerRound',
    ['from 1 to 128000 (got 128001)'],
  ],
  ['maxRounds 0', { prompt: 'p', maxRounds: 0 }, 'maxRounds', [`1 to ${MAX_ROUNDS_LIMIT}`, '0']],
  [
    'maxRounds over the limit',
    { prompt: 'p', maxRounds: MAX_ROUNDS_LIMIT + 1 },
    'maxRounds',
    [`${MAX_ROUNDS_LIMIT + 1}`],
  ],
  ['maxRounds fractional', { prompt: 'p', maxRounds: 2.5 }, 'maxRounds', ['integer']],
  [
    'an unknown continuation',
    { prompt: 'p', continuation: 'always' },
    'continuation',
    ['"auto", "prefill" or "instruction"'],
  ],
  ['temperature above 1', { prompt: 'p', temperature: 1.5 }, 'temperature', ['0 to 1', '1.5']],
  ['temperature below 0', { prompt: 'p', temperature: -0.1 }, 'temperature', ['0 to 1']],
  ['temperature as a string', { prompt: 'p', temperature: '0.2' }, 'temperature', ['number']],
  ['topP above 1', { prompt: 'p', topP: 2 }, 'topP', ['0 to 1']],
  ['topK 0', { prompt: 'p', topK: 0 }, 'topK', ['at least 1']],
  ['topK fractional', { prompt: 'p', topK: 1.5 }, 'topK', ['integer']],
  ['promptCaching as a string', { prompt: 'p', promptCaching: 'no' }, 'promptCaching', ['true or false']],
  ['stopSequences as a string', { prompt: 'p', stopSequences: '<END>' }, 'stopSequences', ['array']],
  [
    'an empty stop sequence',
    { prompt: 'p', stopSequences: ['a', ''] },
    'stopSequences[1]',
    ['non-empty string'],
  ],
  [
    'too many stop sequences',
    { prompt: 'p', stopSequences: Array.from({ length: MAX_STOP_SEQUENCES + 1 }, (_, i) => `${i}`) },
    'stopSequences',
    [`at most ${MAX_STOP_SEQUENCES}`, `${MAX_STOP_SEQUENCES + 1}`],
  ],
  ['an unknown field', { prompt: 'p', maxToken: 10 }, 'maxToken', ['"maxToken"', 'maxTokensPerRound']],
  ['a jobId that is no job id', { prompt: 'p', jobId: 'a b' }, 'jobId', ['spaces']],
  [
    'a text over the byte limit',
    { prompt: '€'.repeat(MAX_INPUT_TEXT_BYTES / 3 + 1) },
    'prompt',
    [`${MAX_INPUT_TEXT_BYTES}`, 'UTF-8 bytes'],
  ],
  ['a long wrong-typed value, not echoed', { prompt: 'p', api: LONG }, 'api', ['a string of 100 characters']],
];

describe('parseJobInput with a jobId (a batch manifest line)', () => {
  it('accepts the execution name as jobId, leaving it out of the config', () => {
    expect(parseJobInput({ prompt: 'p', jobId: 'report-1' }, DEFAULTS, 'report-1')).toEqual(
      parseJobInput({ prompt: 'p' }, DEFAULTS),
    );
  });

  it('refuses a jobId other than the execution name, naming both', () => {
    expect(() => parseJobInput({ prompt: 'p', jobId: 'report-1' }, DEFAULTS, 'report-2')).toThrow(
      /jobId "report-1" differs from the execution name "report-2"/,
    );
  });
});

describe('parseJobInput rejects', () => {
  it('has a table of at least 20 invalid inputs', () => {
    expect(INVALID.length).toBeGreaterThanOrEqual(20);
  });

  it.each(INVALID)('%s', (_what, raw, field, words) => {
    const defaults =
      field === 'modelId' ? { ...DEFAULTS, allowedModelIds: [HAIKU, `us.${HAIKU}`] } : DEFAULTS;
    const error = invalid(raw, defaults);
    expect(error.name).toBe('InvalidInputError');
    expect(error.field).toBe(field);
    expect(error.message).toContain(field === 'input' ? 'input' : field.replace(/\[\d+\].*/, ''));
    for (const word of words) expect(error.message).toContain(word);
  });
});

describe('parseJobInput message count', () => {
  it('refuses more turns than the job record can hold, naming the limit', () => {
    const messages = Array.from({ length: MAX_MESSAGES + 1 }, (_, index) => ({
      role: index % 2 === 0 ? 'user' : 'assistant',
      text: `turn ${index}`,
    }));
    expect(() => parseJobInput({ messages }, DEFAULTS)).toThrow(
      expect.objectContaining({
        name: 'InvalidInputError',
        field: 'messages',
        message: expect.stringContaining(`${MAX_MESSAGES}`),
      }),
    );
  });
});

describe('parseJobInput sampling fields the model would refuse', () => {
  it.each([
    ['temperature on Opus 4.7', { modelId: 'us.anthropic.claude-opus-4-7', temperature: 0.5 }, 'temperature'],
    ['topP on Opus 4.7', { modelId: 'global.anthropic.claude-opus-4-7', topP: 0.9 }, 'topP'],
    ['topK on Opus 4.7', { modelId: 'us.anthropic.claude-opus-4-7', topK: 5 }, 'topK'],
    ['temperature and topP on Haiku 4.5', { modelId: `us.${HAIKU}`, temperature: 0.5, topP: 0.9 }, 'topP'],
    [
      'temperature and topP on Opus 4.6',
      { modelId: 'au.anthropic.claude-opus-4-6-v1', temperature: 0.5, topP: 0.9 },
      'topP',
    ],
    [
      'temperature and topP on Sonnet 4.6',
      { modelId: 'us.anthropic.claude-sonnet-4-6', temperature: 0.5, topP: 0.9 },
      'topP',
    ],
    ['temperature on Opus 4.8', { modelId: 'us.anthropic.claude-opus-4-8', temperature: 1 }, 'temperature'],
    ['topP on Sonnet 5', { modelId: 'global.anthropic.claude-sonnet-5', topP: 0.9 }, 'topP'],
    ['topK on a non-Anthropic model', { modelId: 'amazon.nova-pro-v1:0', topK: 5 }, 'topK'],
  ])('%s', (_name, fields, field) => {
    expect(() => parseJobInput({ prompt: 'p', ...fields }, DEFAULTS)).toThrow(
      expect.objectContaining({ name: 'InvalidInputError', field }),
    );
    if ('temperature' in fields && 'topP' in fields) {
      expect(() => parseJobInput({ prompt: 'p', ...fields }, DEFAULTS)).toThrow(
        '`temperature` and `top_p` cannot both be specified',
      );
    }
  });

  it('accepts what those models take', () => {
    expect(
      parseJobInput({ prompt: 'p', modelId: `us.${HAIKU}`, temperature: 0.5 }, DEFAULTS).temperature,
    ).toBe(0.5);
    expect(
      parseJobInput({ prompt: 'p', modelId: 'us.anthropic.claude-opus-4-6-v1', topP: 0.9 }, DEFAULTS).topP,
    ).toBe(0.9);
    expect(
      parseJobInput(
        { prompt: 'p', modelId: 'us.anthropic.claude-opus-9', temperature: 0.5, topP: 0.9 },
        DEFAULTS,
      ).topP,
    ).toBe(0.9);
    expect(
      parseJobInput({ prompt: 'p', modelId: 'amazon.nova-pro-v1:0', temperature: 0.2, topP: 0.9 }, DEFAULTS)
        .temperature,
    ).toBe(0.2);
  });
});

describe('parseJobInput round budget capped by the stack', () => {
  const capped = { ...DEFAULTS, maxTokensPerRound: 50_000, maxTokensPerRoundLimit: 32_000 };

  it('refuses a budget over the stack cap, saying why', () => {
    expect(() =>
      parseJobInput({ prompt: 'p', modelId: `us.${HAIKU}`, maxTokensPerRound: 32_001 }, capped),
    ).toThrow(
      expect.objectContaining({
        field: 'maxTokensPerRound',
        message: expect.stringMatching(/from 1 to 32000 .*15-minute Lambda/),
      }),
    );
  });

  it('accepts the cap itself and lowers a larger stack default to it', () => {
    expect(
      parseJobInput({ prompt: 'p', modelId: `us.${HAIKU}`, maxTokensPerRound: 32_000 }, capped)
        .maxTokensPerRound,
    ).toBe(32_000);
    expect(parseJobInput({ prompt: 'p', modelId: `us.${HAIKU}` }, capped).maxTokensPerRound).toBe(32_000);
  });

  it('keeps the model limit when it is the lower one', () => {
    expect(() =>
      parseJobInput(
        { prompt: 'p', modelId: 'anthropic.claude-3-haiku-20240307-v1:0', maxTokensPerRound: 5000 },
        capped,
      ),
    ).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/from 1 to 4096 for anthropic\.claude-3-haiku/),
      }),
    );
  });
});
