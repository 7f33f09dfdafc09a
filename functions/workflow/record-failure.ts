import type { JobStore } from '../adapters/job-store';
import { type CaughtFailure, describeFailure, type FailureDescription } from '../core/failure-description';
import { type EventSink, jobEndedEvent } from '../core/job-events';

/** What `Record failure` hands to the `Job failed` state. */
export interface RecordedFailure extends FailureDescription {
  jobId: string;
}

/**
 * Errors of `Initialize job` that mean this execution wrote nothing: the job id may belong to another
 * job (a taken id, a resume of a missing job), which must not be marked FAILED by this execution.
 */
const NOTHING_WRITTEN = new Set(['InvalidInputError', 'JobNotFoundError']);

/**
 * Marks the job FAILED with the error that ended its execution, and announces a FAILED job on `events`:
 * also one a round marked FAILED before its execution failed, so an event can come twice (from the
 * state's Catch and from the failed-execution recorder). Input refused at `Initialize job` leaves the
 * table as it was and announces nothing; a job that already ended keeps its status.
 */
export async function recordFailure(
  store: JobStore,
  jobId: string,
  failure: CaughtFailure,
  events?: EventSink,
): Promise<RecordedFailure> {
  const description = describeFailure(failure);
  if (!NOTHING_WRITTEN.has(description.error)) {
    const job =
      (await store.failJob(jobId, { name: description.error, message: description.cause })) ??
      (events && (await store.getJob(jobId)));
    const event = job?.status === 'FAILED' ? jobEndedEvent(job) : undefined;
    if (events && event) await events.publish(event);
  }
  return { jobId, ...description };
}
