import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

/** Where a step's handler logs, and where it sends metrics when they are published (on Lambda only). */
export interface Telemetry {
  /** Log ids, sizes and counts only: never prompt or document text. */
  logger: Logger;
  metrics?: Metrics;
}

/** A workflow step's handler, as Lambda (or the offline runtime) calls it. */
export type StepHandler<Event, Result> = (event: Event, context: Context) => Promise<Result>;

/** Every step's event names its job; a round's also its number. */
interface StepEvent {
  jobId: string;
  round?: number;
}

/**
 * Wraps a step's handler in Powertools' Lambda helpers, `injectLambdaContext` and `logMetrics` (its
 * class-method decorators, applied here as functions: the project compiles standard decorators, which
 * they are not). Every log line carries the Lambda context and the job id (and round), reset after each
 * invocation so a warm container never logs the previous job's keys; stored metrics are published after
 * every invocation, also when it throws.
 */
export function instrumented<Event extends StepEvent, Result>(
  telemetry: Telemetry,
  handle: StepHandler<Event, Result>,
): StepHandler<Event, Result> {
  const { logger, metrics } = telemetry;
  const target = {
    handler: (event: Event, context: Context): Promise<Result> => {
      logger.appendKeys(
        event.round === undefined ? { jobId: event.jobId } : { jobId: event.jobId, round: event.round },
      );
      return handle(event, context);
    },
  };
  const descriptor = { value: target.handler };
  logger.injectLambdaContext({ resetKeys: true })(target, 'handler', descriptor);
  metrics?.logMetrics()(target, 'handler', descriptor);
  return descriptor.value;
}
