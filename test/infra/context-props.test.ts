import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJobInput } from '../../functions/core/job-input';
import { InvalidContextError, propsFromContext } from '../../infra/context-props';
import { resolveModel } from '../../local/bedrock-emulator';

const from = (context: Record<string, unknown>) => propsFromContext((key) => context[key]);

describe('propsFromContext', () => {
  it('leaves every prop to the construct defaults when no context is set', () => {
    expect(from({})).toEqual({});
  });

  it('reads values as cdk.json gives them (typed)', () => {
    expect(
      from({
        'longform:defaultModelId': 'us.anthropic.claude-sonnet-4-6',
        'longform:allowedModelIds': ['us.anthropic.claude-sonnet-4-6', 'amazon.nova-pro-v1:0'],
        'longform:maxTokensPerRound': 8192,
        'longform:maxTokensPerRoundLimit': 64000,
        'longform:maxRounds': 500,
      }),
    ).toEqual({
      defaultModelId: 'us.anthropic.claude-sonnet-4-6',
      allowedModelIds: ['us.anthropic.claude-sonnet-4-6', 'amazon.nova-pro-v1:0'],
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

  it("reads the round function's timeout in seconds", () => {
    expect(from({ 'longform:roundTimeoutSeconds': '300' }).roundTimeout?.toSeconds()).toBe(300);
  });

  it('reads whether the stack has a documents bucket, and where the alarms go', () => {
    expect(from({ 'longform:documentsBucket': false, 'longform:alarmEmail': ' ops@example.com ' })).toEqual({
      documentsBucket: false,
      alarmEmail: 'ops@example.com',
    });
    expect(from({ 'longform:documentsBucket': 'true' })).toEqual({ documentsBucket: true });
    expect(from({ 'longform:documentsBucket': 'false' })).toEqual({ documentsBucket: false });
  });

  it("reads the batch's concurrency and tolerated failure percentage", () => {
    expect(
      from({ 'longform:batchMaxConcurrency': '16', 'longform:batchToleratedFailurePercentage': '2.5' }),
    ).toEqual({ batchMaxConcurrency: 16, batchToleratedFailurePercentage: 2.5 });
    expect(from({ 'longform:batchToleratedFailurePercentage': 0 })).toEqual({
      batchToleratedFailurePercentage: 0,
    });
  });

  it.each([
    ['longform:documentsBucket', 'no'],
    ['longform:documentsBucket', 1],
    ['longform:batchMaxConcurrency', '0'],
    ['longform:batchToleratedFailurePercentage', '101'],
    ['longform:batchToleratedFailurePercentage', 'some'],
    ['longform:batchToleratedFailurePercentage', ''],
    ['longform:alarmEmail', 'ops'],
    ['longform:alarmEmail', 'ops@example.com, dev@example.com'],
    ['longform:maxTokensPerRound', '0'],
    ['longform:maxTokensPerRound', '1.5'],
    ['longform:maxTokensPerRoundLimit', '-5'],
    ['longform:maxRounds', 'many'],
    ['longform:maxRounds', ''],
    ['longform:allowedModelIds', 42],
    ['longform:allowedModelIds', ['a', 1]],
    ['longform:defaultModelId', ''],
    ['longform:defaultModelId', 7],
    ['longform:roundTimeoutSeconds', '0'],
    ['longform:roundTimeoutSeconds', 901],
  ])('refuses %s = %j, naming the key', (key, value) => {
    expect(() => from({ [key]: value })).toThrow(InvalidContextError);
    expect(() => from({ [key]: value })).toThrow(key);
  });
});

describe("the repository's cdk.json", () => {
  const context = JSON.parse(readFileSync('cdk.json', 'utf8')).context as Record<string, unknown>;
  const props = propsFromContext((key) => context[key]);

  it('configures current models only, each callable as configured, the default among the allowed', () => {
    expect(props.allowedModelIds).toContain(props.defaultModelId);
    for (const id of props.allowedModelIds ?? []) {
      const resolved = resolveModel(id);
      expect(resolved, id).toBeDefined();
      expect(resolved?.model.lifecycle, id).not.toBe('end-of-life');
      if (resolved?.model.profileOnly) expect(resolved.throughProfile, id).toBe(true);
    }
  });

  it('accepts every job input in examples/', () => {
    const defaults = {
      modelId: props.defaultModelId ?? '',
      allowedModelIds: props.allowedModelIds ?? [],
      maxTokensPerRound: props.maxTokensPerRound ?? 4096,
      maxRounds: props.maxRounds ?? 200,
    };
    const inputs = readdirSync('examples')
      .map((file) => JSON.parse(readFileSync(`examples/${file}`, 'utf8')))
      .filter((input) => !('jobId' in input));
    expect(inputs.length).toBeGreaterThan(2);
    for (const input of inputs) expect(parseJobInput(input, defaults).modelId).toMatch(/^us\./);
  });
});
