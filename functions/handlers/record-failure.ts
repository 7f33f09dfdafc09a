import type { JobStore } from '../adapters/job-store';
import type { CaughtFailure } from '../core/failure-description';
import type { EventSink } from '../core/job-events';
import { jobIdOfExecution } from '../core/job-reference';
import { type RecordedFailure, recordFailure } from '../workflow/record-failure';
import { instrumented, type StepHandler, type Telemetry } from './shared/powertools';

/**
 * Payload of `Record failure`: the execution's name (`jobId`), input and redrive count, and the Catch
 * output (or the ended execution's event, whose input is JSON text).
 */
export interface RecordFailureEvent {
  jobId: string;
  input?: unknown;
  /** `$$.Execution.RedriveCount`, or the status-change event's `redriveCount`; anything else is unknown. */
  redriveCount?: unknown;
  failure: CaughtFailure;
}

/** `Record failure`: marks the job FAILED and hands a clean error name and message to the Fail state. */
export function createRecordFailureHandler(dependencies: {
  store: JobStore;
  telemetry: Telemetry;
  /** Where a FAILED job is announced; nothing is announced without it. */
  events?: EventSink;
}): StepHandler<RecordFailureEvent, RecordedFailure> {
  const { store, telemetry, events } = dependencies;
  return instrumented(telemetry, async (event) => {
    const jobId = jobIdOfExecution(event.jobId, event.input);
    const recorded = await recordFailure(
      store,
      jobId,
      event.failure,
      events,
      event.jobId,
      redriveCountOf(event.redriveCount),
    );
    telemetry.logger.error('Job failed', { errorName: recorded.error });
    return recorded;
  });
}

/** A redrive count as Step Functions gives it (a whole number from 0), else unknown. */
function redriveCountOf(value: unknown): number | undefined {
  return Number.isInteger(value) && (value as number) >= 0 ? (value as number) : undefined;
}
