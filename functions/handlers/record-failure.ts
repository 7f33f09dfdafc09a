import type { JobStore } from '../adapters/job-store';
import type { CaughtFailure } from '../core/failure-description';
import type { EventSink } from '../core/job-events';
import { type RecordedFailure, recordFailure } from '../workflow/record-failure';
import { instrumented, type StepHandler, type Telemetry } from './shared/powertools';

/** Payload of `Record failure`: the job and the Catch output (or the failed execution's event). */
export interface RecordFailureEvent {
  jobId: string;
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
    const recorded = await recordFailure(store, event.jobId, event.failure, events);
    telemetry.logger.error('Job failed', { errorName: recorded.error });
    return recorded;
  });
}
