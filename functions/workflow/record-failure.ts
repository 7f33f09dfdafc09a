import type { JobStore } from '../adapters/job-store';
import { type CaughtFailure, describeFailure, type FailureDescription } from '../core/failure-description';

/** What `Record failure` hands to the `Job failed` state. */
export interface RecordedFailure extends FailureDescription {
  jobId: string;
}

/**
 * Marks the job FAILED with the error that ended its execution. A job that was never created (input
 * refused at `Initialize job`) stays unwritten; a job that already ended keeps its status.
 */
export async function recordFailure(
  store: JobStore,
  jobId: string,
  failure: CaughtFailure,
): Promise<RecordedFailure> {
  const description = describeFailure(failure);
  await store.failJob(jobId, { name: description.error, message: description.cause });
  return { jobId, ...description };
}
