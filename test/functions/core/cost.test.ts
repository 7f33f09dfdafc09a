import { describe, expect, it } from 'vitest';
import {
  estimatedCostUsd,
  InvalidPriceTableError,
  parsePriceTable,
  pricesFor,
  SHIPPED_PRICES,
} from '../../../functions/core/cost';

describe('pricesFor', () => {
  it('finds a model by its profile id or its base id; an unlisted model has none', () => {
    expect(pricesFor('us.anthropic.claude-sonnet-4-6')).toEqual({ input: 3, output: 15 });
    expect(pricesFor('anthropic.claude-haiku-4-5-20251001-v1:0')).toEqual({ input: 1, output: 5 });
    expect(pricesFor('acme.unknown-v1')).toBeUndefined();
  });
});

describe('estimatedCostUsd', () => {
  it('prices uncached input, cache writes at 1.25× (2× for the hour), reads at 0.1×, and output', () => {
    const usage = {
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      cacheReadInputTokens: 2_000_000,
      cacheWriteInputTokens: 400_000,
    };
    const prices = { input: 3, output: 15 };
    // 3 + 1.25 × 0.4 × 3 + 0.1 × 2 × 3 + 0.1 × 15 = 3 + 1.5 + 0.6 + 1.5
    expect(estimatedCostUsd(usage, prices)).toBeCloseTo(6.6, 10);
    expect(estimatedCostUsd(usage, prices, '1h')).toBeCloseTo(6.6 + 0.75 * 0.4 * 3, 10);
    // A record stored before prompt caching has no cache counts.
    expect(estimatedCostUsd({ inputTokens: 1_000_000, outputTokens: 0 }, prices)).toBeCloseTo(3, 10);
  });
});

describe('parsePriceTable', () => {
  it('puts the given prices over the shipped ones', () => {
    const table = parsePriceTable('{"us.anthropic.claude-sonnet-4-6": {"input": 3.3, "output": 16.5}}', 'X');
    expect(pricesFor('us.anthropic.claude-sonnet-4-6', table)).toEqual({ input: 3.3, output: 16.5 });
    expect(pricesFor('eu.anthropic.claude-sonnet-4-6', table)).toEqual(
      SHIPPED_PRICES['anthropic.claude-sonnet-4-6'],
    );
  });

  it.each(['not json', '[]', '{"m": {"input": 1}}', '{"m": {"input": -1, "output": 2}}'])(
    'refuses %s with a named error that says the shape',
    (text) => {
      expect(() => parsePriceTable(text, 'LONGFORM_PRICES')).toThrow(InvalidPriceTableError);
      expect(() => parsePriceTable(text, 'LONGFORM_PRICES')).toThrow(/"input": USD, "output": USD/);
    },
  );
});
