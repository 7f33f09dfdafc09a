import { describe, expect, it } from 'vitest';
import { readRuntimeConfig } from '../../../../functions/handlers/shared/runtime-config';

const ENV = {
  TABLE_NAME: 'jobs',
  DEFAULT_MODEL_ID: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  ALLOWED_MODEL_IDS: 'us.anthropic.claude-haiku-4-5-20251001-v1:0, amazon.nova-pro-v1:0',
  DEFAULT_MAX_TOKENS_PER_ROUND: '4096',
  MAX_TOKENS_PER_ROUND_LIMIT: '32000',
  DEFAULT_MAX_ROUNDS: '200',
  JOB_TTL_DAYS: '30',
};

describe('readRuntimeConfig', () => {
  it('reads the variables the stack sets on every function', () => {
    expect(readRuntimeConfig(ENV)).toEqual({
      tableName: 'jobs',
      defaults: {
        modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        allowedModelIds: ['us.anthropic.claude-haiku-4-5-20251001-v1:0', 'amazon.nova-pro-v1:0'],
        maxTokensPerRound: 4096,
        maxTokensPerRoundLimit: 32_000,
        maxRounds: 200,
      },
      jobTtlSeconds: 30 * 86_400,
    });
  });

  it('allows any model when ALLOWED_MODEL_IDS is empty, and no round cap beyond the model when none is set', () => {
    const { MAX_TOKENS_PER_ROUND_LIMIT: _, ...env } = { ...ENV, ALLOWED_MODEL_IDS: '' };
    const { defaults } = readRuntimeConfig(env);
    expect(defaults.allowedModelIds).toEqual([]);
    expect(defaults).not.toHaveProperty('maxTokensPerRoundLimit');
  });

  it('delivers documents and announces job ends only where the stack names a bucket and a bus', () => {
    expect(readRuntimeConfig({ ...ENV, DOCUMENTS_BUCKET: 'docs', EVENT_BUS_NAME: 'default' })).toMatchObject({
      documentsBucket: 'docs',
      eventBusName: 'default',
    });
    const config = readRuntimeConfig(ENV);
    expect(config).not.toHaveProperty('documentsBucket');
    expect(config).not.toHaveProperty('eventBusName');
  });

  it.each([
    ['TABLE_NAME', undefined, /TABLE_NAME is not set/],
    ['DEFAULT_MAX_ROUNDS', '0', /DEFAULT_MAX_ROUNDS must be a positive integer/],
    ['JOB_TTL_DAYS', '1.5', /JOB_TTL_DAYS must be a positive integer/],
  ])('names %s when it is %j', (name, value, message) => {
    expect(() => readRuntimeConfig({ ...ENV, [name]: value })).toThrow(message);
  });
});
