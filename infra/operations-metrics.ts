import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { BedrockThrottlingError } from '../functions/core/errors';
import type { FinalJobStatus } from '../functions/core/job-status';

/** The CloudWatch namespace the handlers publish to (Powertools reads it from the function's environment). */
export const METRICS_NAMESPACE = 'Longform';

/** Powertools' service name, which it also adds to every metric as the dimension `service`. */
export const SERVICE_NAME = 'longform';

/**
 * The metrics the handlers publish through Powertools (embedded metric format), by name. The round
 * function (`functions/handlers/generate-round.ts`) publishes the round and token counts, `RoundLatency`
 * and, per failed attempt, `RoundErrors` with the dimension `ErrorName`; `Finalize job` publishes
 * `DocumentsFinished` with the dimension `JobStatus`, once per job, and `DocumentBytes` per document
 * delivered. Every one also carries `service`.
 */
export const LONGFORM_METRICS = {
  rounds: 'Rounds',
  storedRoundsReused: 'StoredRoundsReused',
  inputTokens: 'InputTokens',
  outputTokens: 'OutputTokens',
  cacheReadInputTokens: 'CacheReadInputTokens',
  cacheWriteInputTokens: 'CacheWriteInputTokens',
  roundLatency: 'RoundLatency',
  roundErrors: 'RoundErrors',
  documentsFinished: 'DocumentsFinished',
  documentBytes: 'DocumentBytes',
} as const;

/** The error name Bedrock throttling (ThrottlingException, ServiceQuotaExceededException) is reported under. */
export const THROTTLING_ERROR_NAME = new BedrockThrottlingError('').name;

/** Every status a job can end in, each a line of the documents graph; `satisfies` keeps the list complete. */
export const FINAL_JOB_STATUSES = Object.keys({
  COMPLETED: true,
  MAX_ROUNDS_REACHED: true,
  CONTEXT_FULL: true,
  BLOCKED: true,
  FAILED: true,
} satisfies Record<FinalJobStatus, true>) as FinalJobStatus[];

/** How a graph or alarm reads one Longform metric. */
export interface LongformMetricOptions {
  /** Dimensions beyond `service`, exactly as the handler adds them. */
  dimensions?: Record<string, string>;
  /** @default 'Sum' */
  statistic?: string;
  /** @default 5 minutes */
  period?: Duration;
  label?: string;
}

/** One Longform metric with exactly the dimensions the handler publishes it with (`service` plus any given). */
export function longformMetric(name: string, options: LongformMetricOptions = {}): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: SERVICE_NAME, ...options.dimensions },
    statistic: options.statistic ?? 'Sum',
    period: options.period ?? Duration.minutes(5),
    ...(options.label ? { label: options.label } : {}),
  });
}

/** Failed attempts of rounds under one error name. */
export function roundErrors(errorName: string, period?: Duration): Metric {
  return longformMetric(LONGFORM_METRICS.roundErrors, {
    dimensions: { ErrorName: errorName },
    label: errorName,
    ...(period ? { period } : {}),
  });
}

/**
 * The share of Bedrock calls that were throttled, in percent: throttled attempts over throttled plus
 * successful ones (`Rounds` counts the rounds that called the model and succeeded). A period with fewer
 * than `minimumCalls` calls reads 0, so one throttled call of a lone job does not read as 50 %.
 */
export function throttlingRate(period: Duration, minimumCalls: number): MathExpression {
  const calls = '(FILL(rounds, 0) + FILL(throttles, 0))';
  return new MathExpression({
    expression: `IF(${calls} >= ${minimumCalls}, 100 * FILL(throttles, 0) / ${calls}, 0)`,
    usingMetrics: {
      rounds: longformMetric(LONGFORM_METRICS.rounds, { period }),
      throttles: roundErrors(THROTTLING_ERROR_NAME, period),
    },
    label: 'Throttled Bedrock calls (%)',
    period,
  });
}
