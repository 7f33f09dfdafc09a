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
 * Marks the job FAILED with the error that ended its execution `executionName` (the job id unless a
 * resume gave it its own), and announces a FAILED job on `events`: also one a round marked FAILED before
 * its execution failed, so an event can come twice (from the state's Catch and from the failed-execution
 * recorder). Input refused at `Initialize job` leaves the table as it was and announces nothing; a job
 * that already ended keeps its status; a job another execution runs now (a resume whose old execution's
 * end arrives late) is left alone.
 */
export async function recordFailure(
  store: JobStore,
  jobId: string,
  failure: CaughtFailure,
  events?: EventSink,
  executionName: string = jobId,
): Promise<RecordedFailure> {
  const description = describeFailure(failure);
  if (!NOTHING_WRITTEN.has(description.error)) {
    const job = await store.getJob(jobId);
    if (job && (job.executionName ?? job.jobId) === executionName) {
      const failed =
        (await store.failJob(jobId, { name: description.error, message: description.cause })) ??
        (job.status === 'FAILED' ? job : undefined);
      const event = failed && jobEndedEvent(failed);
      if (events && event) await events.publish(event);
    }
  }
  return { jobId, ...description };
}
