import { Duration } from 'aws-cdk-lib';
import type { LongformProps } from './longform';

/** Thrown when a `longform:*` context value cannot be used. */
export class InvalidContextError extends Error {
  override readonly name = 'InvalidContextError';
}

const positiveInteger = (key: string, value: unknown): number => {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) {
    throw new InvalidContextError(`Context ${key} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return number;
};

const modelIds = (key: string, value: unknown): string[] => {
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string')) {
    throw new InvalidContextError(`Context ${key} must be a comma-separated list or an array of model ids`);
  }
  return items.map((item) => item.trim()).filter(Boolean);
};

/**
 * Longform props from CDK context (`cdk.json` or `-c key=value`; command-line values arrive as
 * strings): `longform:defaultModelId`, `longform:allowedModelIds` (comma list or array),
 * `longform:maxTokensPerRound`, `longform:maxTokensPerRoundLimit`, `longform:maxRounds`,
 * `longform:roundTimeoutSeconds` (the round function's timeout, at most 900). Absent keys
 * keep the construct's defaults.
 */
export function propsFromContext(context: (key: string) => unknown): LongformProps {
  const props: LongformProps = {};
  const defaultModelId = context('longform:defaultModelId');
  if (defaultModelId !== undefined) {
    if (typeof defaultModelId !== 'string' || defaultModelId.trim() === '') {
      throw new InvalidContextError('Context longform:defaultModelId must be a model id');
    }
    props.defaultModelId = defaultModelId.trim();
  }
  const allowed = context('longform:allowedModelIds');
  if (allowed !== undefined) props.allowedModelIds = modelIds('longform:allowedModelIds', allowed);
  const maxTokens = context('longform:maxTokensPerRound');
  if (maxTokens !== undefined)
    props.maxTokensPerRound = positiveInteger('longform:maxTokensPerRound', maxTokens);
  const roundLimit = context('longform:maxTokensPerRoundLimit');
  if (roundLimit !== undefined) {
    props.maxTokensPerRoundLimit = positiveInteger('longform:maxTokensPerRoundLimit', roundLimit);
  }
  const roundTimeout = context('longform:roundTimeoutSeconds');
  if (roundTimeout !== undefined) {
    const seconds = positiveInteger('longform:roundTimeoutSeconds', roundTimeout);
    if (seconds > 900) {
      throw new InvalidContextError(
        `Context longform:roundTimeoutSeconds must be at most 900 (Lambda's limit), got ${seconds}`,
      );
    }
    props.roundTimeout = Duration.seconds(seconds);
  }
  const maxRounds = context('longform:maxRounds');
  if (maxRounds !== undefined) props.maxRounds = positiveInteger('longform:maxRounds', maxRounds);
  return props;
}
