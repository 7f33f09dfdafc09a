import type { Usage } from './job-record';
import { baseModelId } from './model-limits';

/** A price table that cannot be read; the message says which entry and what it must be. */
export class InvalidPriceTableError extends Error {
  override readonly name = 'InvalidPriceTableError';
}

/** On-demand prices of one model in USD per million tokens. */
export interface TokenPrices {
  input: number;
  output: number;
}

/** Prices by model id (base id, without a profile prefix, or an exact profile id). */
export type PriceTable = Readonly<Record<string, TokenPrices>>;

/** When {@link SHIPPED_PRICES} were read. */
export const PRICES_AS_OF = '2026-12-01';

/**
 * On-demand Bedrock prices (USD per million tokens) as the AWS Bedrock pricing page listed them on
 * {@link PRICES_AS_OF}, for the global cross-region profiles; regional profiles (`us.`, `eu.` ...) of
 * Claude 4.5 and later cost 10 % more. The CLI takes others from `LONGFORM_PRICES` (README, Costs).
 */
export const SHIPPED_PRICES: PriceTable = {
  'anthropic.claude-haiku-4-5-20251001-v1:0': { input: 1, output: 5 },
  'anthropic.claude-sonnet-4-6': { input: 3, output: 15 },
  'anthropic.claude-opus-4-6-v1': { input: 5, output: 25 },
  'anthropic.claude-opus-4-7': { input: 5, output: 25 },
};

/** Cache prices relative to the input price: a 5-minute write, a 1-hour write, and a read. */
export const CACHE_PRICE_MULTIPLIERS = { write5m: 1.25, write1h: 2, read: 0.1 } as const;

/** The prices of a model: an exact id in `table` first, then its base id; `undefined` when not listed. */
export function pricesFor(modelId: string, table: PriceTable = SHIPPED_PRICES): TokenPrices | undefined {
  return table[modelId] ?? table[baseModelId(modelId)];
}

/**
 * Estimated USD of a usage at these prices: uncached input at the input price, cache writes at 1.25×
 * (2× for the hour TTL), cache reads at 0.1×, output at the output price.
 */
export function estimatedCostUsd(usage: Usage, prices: TokenPrices, ttl: '5m' | '1h' = '5m'): number {
  const write = ttl === '1h' ? CACHE_PRICE_MULTIPLIERS.write1h : CACHE_PRICE_MULTIPLIERS.write5m;
  const inputEquivalent =
    usage.inputTokens +
    write * (usage.cacheWriteInputTokens ?? 0) +
    CACHE_PRICE_MULTIPLIERS.read * (usage.cacheReadInputTokens ?? 0);
  return (inputEquivalent * prices.input + usage.outputTokens * prices.output) / 1_000_000;
}

/**
 * A price table from JSON text (`{ "<model id>": { "input": 3, "output": 15 } }`), on top of the shipped one.
 * @throws InvalidPriceTableError saying which entry is wrong.
 */
export function parsePriceTable(text: string, where: string): PriceTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidPriceTableError(
      `${where} must be an object of model id → { "input": USD, "output": USD } per million tokens`,
    );
  }
  const table: Record<string, TokenPrices> = { ...SHIPPED_PRICES };
  for (const [id, value] of Object.entries(json)) {
    const { input, output } = (value ?? {}) as Partial<TokenPrices>;
    if (typeof input !== 'number' || typeof output !== 'number' || input < 0 || output < 0) {
      throw new InvalidPriceTableError(
        `${where}: ${id} must be { "input": USD, "output": USD } per million tokens, both ≥ 0`,
      );
    }
    table[id] = { input, output };
  }
  return table;
}
