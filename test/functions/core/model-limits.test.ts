import { describe, expect, it } from 'vitest';
import { baseModelId, isAnthropicModel, maxOutputTokensFor } from '../../../functions/core/model-limits';

const LIMITS: [string, number | undefined][] = [
  ['anthropic.claude-3-haiku-20240307-v1:0', 4096],
  ['anthropic.claude-3-5-haiku-20241022-v1:0', 8192],
  ['anthropic.claude-3-5-sonnet-20240620-v1:0', 8192],
  ['anthropic.claude-3-5-sonnet-20241022-v2:0', 8192],
  ['anthropic.claude-3-7-sonnet-20250219-v1:0', 64_000],
  ['anthropic.claude-sonnet-4-20250514-v1:0', 64_000],
  ['anthropic.claude-opus-4-20250514-v1:0', 32_000],
  ['anthropic.claude-opus-4-1-20250805-v1:0', 32_000],
  ['anthropic.claude-sonnet-4-5-20250929-v1:0', 64_000],
  ['anthropic.claude-haiku-4-5-20251001-v1:0', 64_000],
  ['anthropic.claude-opus-4-5-20251101-v1:0', 64_000],
  ['anthropic.claude-opus-4-6-v1', 128_000],
  ['anthropic.claude-sonnet-4-6', 128_000],
  ['anthropic.claude-opus-4-7', 128_000],
  ['anthropic.claude-sonnet-5-20270101-v1:0', 128_000],
  ['anthropic.claude-3-opus-20240229-v1:0', undefined],
  ['anthropic.claude-v2:1', undefined],
  ['meta.llama3-70b-instruct-v1:0', undefined],
  ['amazon.nova-pro-v1:0', undefined],
];

describe('maxOutputTokensFor', () => {
  it.each(LIMITS)('%s → %s', (modelId, limit) => {
    expect(maxOutputTokensFor(modelId)).toBe(limit);
  });

  it('sees through every inference-profile prefix', () => {
    for (const prefix of ['us.', 'eu.', 'apac.', 'jp.', 'global.']) {
      expect(maxOutputTokensFor(`${prefix}anthropic.claude-3-haiku-20240307-v1:0`)).toBe(4096);
    }
    expect(maxOutputTokensFor('ca.anthropic.claude-3-haiku-20240307-v1:0')).toBeUndefined();
  });
});

describe('model id helpers', () => {
  it('strips only a known profile prefix', () => {
    expect(baseModelId('global.anthropic.claude-sonnet-4-6')).toBe('anthropic.claude-sonnet-4-6');
    expect(baseModelId('meta.llama3-70b-instruct-v1:0')).toBe('meta.llama3-70b-instruct-v1:0');
  });

  it('recognizes Anthropic models only by their provider segment', () => {
    expect(isAnthropicModel('apac.anthropic.claude-3-haiku-20240307-v1:0')).toBe(true);
    expect(isAnthropicModel('meta.anthropic-like')).toBe(false);
    expect(isAnthropicModel('us.meta.llama3-70b-instruct-v1:0')).toBe(false);
  });
});
