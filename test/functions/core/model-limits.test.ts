import { describe, expect, it } from 'vitest';
import {
  baseModelId,
  isAnthropicModel,
  knownModel,
  maxOutputTokensFor,
  promptCacheFor,
  samplingRuleFor,
} from '../../../functions/core/model-limits';

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
  ['anthropic.claude-opus-4-8', 128_000],
  ['anthropic.claude-sonnet-5', 128_000],
  ['anthropic.claude-fable-5', 128_000],
  ['meta.llama3-8b-instruct-v1:0', 2048],
  // Not confirmed, or not known: left to Bedrock, never guessed.
  ['anthropic.claude-3-opus-20240229-v1:0', undefined],
  ['anthropic.claude-v2:1', undefined],
  ['anthropic.claude-sonnet-5-5', undefined],
  ['anthropic.claude-opus-6', undefined],
  ['meta.llama3-70b-instruct-v1:0', undefined],
  ['amazon.nova-pro-v1:0', undefined],
  ['amazon.nova-2-lite-v1:0', undefined],
  ['mistral.mistral-large-2407-v1:0', undefined],
];

describe('maxOutputTokensFor', () => {
  it.each(LIMITS)('%s → %s', (modelId, limit) => {
    expect(maxOutputTokensFor(modelId)).toBe(limit);
  });

  it('sees through every inference-profile prefix', () => {
    for (const prefix of ['us.', 'us-gov.', 'eu.', 'apac.', 'jp.', 'au.', 'ca.', 'global.']) {
      expect(maxOutputTokensFor(`${prefix}anthropic.claude-haiku-4-5-20251001-v1:0`)).toBe(64_000);
    }
    expect(maxOutputTokensFor('xx.anthropic.claude-haiku-4-5-20251001-v1:0')).toBeUndefined();
  });
});

describe('samplingRuleFor', () => {
  it.each([
    ['us.anthropic.claude-haiku-4-5-20251001-v1:0', 'temperature-or-top-p'],
    ['anthropic.claude-opus-4-1-20250805-v1:0', 'temperature-or-top-p'],
    ['anthropic.claude-opus-4-5-20251101-v1:0', 'temperature-or-top-p'],
    ['global.anthropic.claude-opus-4-6-v1', 'temperature-or-top-p'],
    ['au.anthropic.claude-sonnet-4-6', 'temperature-or-top-p'],
    ['us.anthropic.claude-opus-4-7', 'none'],
    ['us.anthropic.claude-opus-4-8', 'none'],
    ['global.anthropic.claude-sonnet-5', 'none'],
    ['us.anthropic.claude-fable-5', 'none'],
    ['anthropic.claude-3-7-sonnet-20250219-v1:0', 'any'],
    ['amazon.nova-pro-v1:0', 'any'],
    // Unknown models: whatever they refuse, Bedrock says so.
    ['anthropic.claude-opus-6', 'any'],
    ['meta.llama3-70b-instruct-v1:0', 'any'],
  ])('%s → %s', (modelId, rule) => {
    expect(samplingRuleFor(modelId)).toBe(rule);
  });
});

describe('knownModel', () => {
  it('gives context window, prefill support and the profile requirement of the current models', () => {
    expect(knownModel('us.anthropic.claude-sonnet-4-6')).toMatchObject({
      contextWindow: 1_000_000,
      prefill: 'rejected',
      profileRequired: true,
    });
    expect(knownModel('anthropic.claude-haiku-4-5-20251001-v1:0')).toMatchObject({
      contextWindow: 200_000,
      prefill: 'accepted',
      profileRequired: true,
    });
    expect(knownModel('meta.llama3-8b-instruct-v1:0')).toMatchObject({
      prefill: 'rejected',
      profileRequired: false,
    });
    expect(knownModel('global.amazon.nova-2-lite-v1:0')).toMatchObject({
      prefill: 'accepted',
      profileRequired: true,
    });
    expect(knownModel('anthropic.claude-3-5-haiku-20241022-v1:0')?.profileRequired).toBeUndefined();
    expect(knownModel('cohere.command-r-v1:0')).toBeUndefined();
  });
});

describe('model id helpers', () => {
  it('strips only a known profile prefix', () => {
    expect(baseModelId('global.anthropic.claude-sonnet-4-6')).toBe('anthropic.claude-sonnet-4-6');
    expect(baseModelId('meta.llama3-70b-instruct-v1:0')).toBe('meta.llama3-70b-instruct-v1:0');
    expect(baseModelId('us-gov.anthropic.claude-sonnet-4-6')).toBe('anthropic.claude-sonnet-4-6');
    expect(baseModelId('arn:aws:bedrock:us-east-1:0:inference-profile/us.x')).toMatch(/^arn:/);
  });

  it('recognizes Anthropic models only by their provider segment', () => {
    expect(isAnthropicModel('apac.anthropic.claude-3-haiku-20240307-v1:0')).toBe(true);
    expect(isAnthropicModel('meta.anthropic-like')).toBe(false);
    expect(isAnthropicModel('us.meta.llama3-70b-instruct-v1:0')).toBe(false);
  });
});

describe('promptCacheFor', () => {
  it.each([
    ['us.anthropic.claude-haiku-4-5-20251001-v1:0', { minTokens: 4096, oneHourTtl: true }],
    ['global.anthropic.claude-sonnet-4-6', { minTokens: 2048, oneHourTtl: false }],
    ['anthropic.claude-opus-4-6-v1', { minTokens: 4096, oneHourTtl: false }],
    ['us.anthropic.claude-sonnet-5', { minTokens: 512, oneHourTtl: false }],
  ])('%s caches from its minimum', (id, support) => {
    expect(promptCacheFor(id)).toEqual(support);
  });

  it.each(['us.anthropic.claude-opus-4-8', 'amazon.nova-pro-v1:0', 'acme.unknown-v1'])(
    '%s is not known to cache: no cache points',
    (id) => {
      expect(promptCacheFor(id)).toBeUndefined();
    },
  );
});
