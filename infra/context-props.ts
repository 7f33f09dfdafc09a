import { Duration } from 'aws-cdk-lib';
import type { LongformStackProps } from './longform-stack';

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

const flag = (key: string, value: unknown): boolean => {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new InvalidContextError(`Context ${key} must be true or false, got ${JSON.stringify(value)}`);
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
 * `longform:roundTimeoutSeconds` (the round function's timeout, at most 900),
 * `longform:documentsBucket` (true or false), `longform:batchMaxConcurrency`,
 * `longform:batchToleratedFailurePercentage` (0 to 100) and `longform:alarmEmail` (where the alarms are sent).
 * Absent keys keep the stack's defaults.
 */
export function propsFromContext(context: (key: string) => unknown): LongformStackProps {
  const props: LongformStackProps = {};
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
  const documentsBucket = context('longform:documentsBucket');
  if (documentsBucket !== undefined) {
    props.documentsBucket = flag('longform:documentsBucket', documentsBucket);
  }
  const batchConcurrency = context('longform:batchMaxConcurrency');
  if (batchConcurrency !== undefined) {
    props.batchMaxConcurrency = positiveInteger('longform:batchMaxConcurrency', batchConcurrency);
  }
  const tolerated = context('longform:batchToleratedFailurePercentage');
  if (tolerated !== undefined) {
    const percentage =
      typeof tolerated === 'string' && tolerated.trim() !== '' ? Number(tolerated) : tolerated;
    if (typeof percentage !== 'number' || !(percentage >= 0 && percentage <= 100)) {
      throw new InvalidContextError(
        `Context longform:batchToleratedFailurePercentage must be a number from 0 to 100, got ${JSON.stringify(tolerated)}`,
      );
    }
    props.batchToleratedFailurePercentage = percentage;
  }
  const alarmEmail = context('longform:alarmEmail');
  if (alarmEmail !== undefined) {
    // An address, not a full check: SNS sends a confirmation to it, which is the real test.
    if (typeof alarmEmail !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(alarmEmail.trim())) {
      throw new InvalidContextError(
        `Context longform:alarmEmail must be an email address, got ${JSON.stringify(alarmEmail)}`,
      );
    }
    props.alarmEmail = alarmEmail.trim();
  }
  return props;
}
