import { describe, expect, it } from 'vitest';
import { InvalidContextError, propsFromContext } from '../../infra/context-props';

const from = (context: Record<string, unknown>) => propsFromContext((key) => context[key]);

describe('propsFromContext', () => {
  it('leaves every prop to the construct defaults when no context is set', () => {
    expect(from({})).toEqual({});
  });

  it('reads values as cdk.json gives them (typed)', () => {
    expect(
      from({
        'longform:defaultModelId': 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        'longform:allowedModelIds': ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'amazon.nova-pro-v1:0'],
        'longform:maxTokensPerRound': 8192,
        'longform:maxTokensPerRoundLimit': 64000,
        'longform:maxRounds': 500,
      }),
    ).toEqual({
      defaultModelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      allowedModelIds: ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'amazon.nova-pro-v1:0'],
      maxTokensPerRound: 8192,
      maxTokensPerRoundLimit: 64000,
      maxRounds: 500,
    });
  });

  it('reads values as `-c key=value` gives them (strings, comma lists)', () => {
    expect(
      from({
        'longform:allowedModelIds': ' a.b-v1:0, us.c.d-v1:0 ,',
        'longform:maxTokensPerRound': '10',
        'longform:maxRounds': '1000',
      }),
    ).toEqual({ allowedModelIds: ['a.b-v1:0', 'us.c.d-v1:0'], maxTokensPerRound: 10, maxRounds: 1000 });
    expect(from({ 'longform:allowedModelIds': '' })).toEqual({ allowedModelIds: [] });
  });

  it.each([
    ['longform:maxTokensPerRound', '0'],
    ['longform:maxTokensPerRound', '1.5'],
    ['longform:maxTokensPerRoundLimit', '-5'],
    ['longform:maxRounds', 'many'],
    ['longform:maxRounds', ''],
    ['longform:allowedModelIds', 42],
    ['longform:allowedModelIds', ['a', 1]],
    ['longform:defaultModelId', ''],
    ['longform:defaultModelId', 7],
  ])('refuses %s = %j, naming the key', (key, value) => {
    expect(() => from({ [key]: value })).toThrow(InvalidContextError);
    expect(() => from({ [key]: value })).toThrow(key);
  });
});
