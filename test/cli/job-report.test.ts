import { describe, expect, it } from 'vitest';
import { cliPriceTable, readableCause, summarize, usageLine } from '../../cli/job-report';
import { parseJobInput } from '../../functions/core/job-input';
import { newJobRecord } from '../../functions/core/job-record';

const DEFAULTS = {
  modelId: 'us.anthropic.claude-sonnet-4-6',
  maxTokensPerRound: 1000,
  maxRounds: 10,
  allowedModelIds: [],
};
const AT = '2026-12-01T00:00:00.000Z';

function job(modelId: string) {
  const record = newJobRecord(
    'j1',
    parseJobInput({ prompt: 'p', modelId }, DEFAULTS),
    'instruction',
    'RUNNING',
    AT,
  );
  record.usage = {
    inputTokens: 100_000,
    outputTokens: 10_000,
    cacheReadInputTokens: 1_000_000,
    cacheWriteInputTokens: 50_000,
  };
  return record;
}

describe('summarize usage and cost', () => {
  it('has the four token counts and the estimated cost', () => {
    const summary = summarize(
      'j1',
      job('us.anthropic.claude-sonnet-4-6'),
      undefined,
      undefined,
      cliPriceTable({}),
    );
    expect(summary.usage).toEqual({
      inputTokens: 100_000,
      outputTokens: 10_000,
      cacheReadInputTokens: 1_000_000,
      cacheWriteInputTokens: 50_000,
    });
    // (100k + 1.25 × 50k + 0.1 × 1M) × $3/M + 10k × $15/M
    expect(summary.estimatedCostUsd).toBeCloseTo(0.7875 + 0.15, 10);
    expect(usageLine(summary)).toBe(
      '100000 input (+1000000 cache-read, 50000 cache-write) and 10000 output tokens, about $0.9375',
    );
  });

  it('takes LONGFORM_PRICES over the shipped table, and says when a model has no price', () => {
    const prices = cliPriceTable({ LONGFORM_PRICES: '{"acme.model-v1": {"input": 1, "output": 1}}' });
    expect(summarize('j1', job('acme.model-v1'), undefined, undefined, prices).estimatedCostUsd).toBeCloseTo(
      0.2725,
      10,
    );
    const unknown = summarize('j1', job('acme.other-v1'), undefined, undefined, prices);
    expect(unknown.estimatedCostUsd).toBeNull();
    expect(usageLine(unknown)).toMatch(/cost unknown$/);
  });
});

describe('summarize with the job’s execution', () => {
  const running = job('us.anthropic.claude-sonnet-4-6');

  it('reports an execution that ended while its job was open with the execution’s status and error', () => {
    expect(summarize('j1', running, { status: 'ABORTED' })).toMatchObject({ status: 'ABORTED' });
    expect(
      summarize('j1', running, { status: 'FAILED', error: 'States.Timeout', cause: 'too slow' }),
    ).toMatchObject({ status: 'FAILED', error: 'States.Timeout', cause: 'too slow' });
    expect(summarize('j1', running, { status: 'RUNNING' })).toMatchObject({ status: 'RUNNING' });
    const finished = { ...running, status: 'COMPLETED' as const };
    expect(summarize('j1', finished, { status: 'SUCCEEDED' })).toMatchObject({ status: 'COMPLETED' });
  });

  it('reports a job its running execution has not stored yet as PENDING, and one never stored as FAILED', () => {
    expect(summarize('j1', undefined, { status: 'RUNNING' })).toMatchObject({ status: 'PENDING', rounds: 0 });
    expect(
      summarize('j1', undefined, { status: 'FAILED', error: 'InvalidInputError', cause: 'no prompt' }),
    ).toMatchObject({ status: 'FAILED', error: 'InvalidInputError', cause: 'no prompt' });
  });

  it('has no cost for a job read without its configuration (LongformClient.status)', () => {
    const { config: _config, ...record } = running;
    expect(
      summarize('j1', record, { status: 'RUNNING' }, undefined, cliPriceTable({})).estimatedCostUsd,
    ).toBeNull();
  });
});

describe('readableCause', () => {
  it("takes a Lambda error's message out of the JSON it reports, and leaves any other cause", () => {
    const lambda = JSON.stringify({
      errorType: 'BedrockModelNotFoundError',
      errorMessage: 'modelId nope: invalid.',
    });
    expect(readableCause(lambda)).toBe('modelId nope: invalid.');
    expect(readableCause('{ not json')).toBe('{ not json');
    expect(readableCause('{"detail":1}')).toBe('{"detail":1}');
    expect(readableCause('too slow')).toBe('too slow');
    expect(readableCause(undefined)).toBeUndefined();
  });

  it('is what summarize reports for a failed execution', () => {
    const cause = JSON.stringify({ errorType: 'X', errorMessage: 'why' });
    expect(summarize('j1', undefined, { status: 'FAILED', error: 'X', cause })).toMatchObject({
      cause: 'why',
    });
  });
});
