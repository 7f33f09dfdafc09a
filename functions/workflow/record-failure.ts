import type { JobRecord, JobStore } from '../adapters/job-store';
import { type CaughtFailure, describeFailure, type FailureDescription } from '../core/failure-description';
import { type EventSink, jobEndedEvent } from '../core/job-events';
import { type EndedRun, executionOf } from '../core/job-lifecycle';

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
 * resume gave it its own) after `redriveCount` redrives, and announces a FAILED job on `events`: also one
 * a round marked FAILED before its execution failed, so an event can come twice (from the state's Catch
 * and from the failed-execution recorder). Input refused at `Initialize job` leaves the table as it was
 * and announces nothing; a job that already ended keeps its status; a job that another execution runs
 * now (a resume whose old execution's end arrives late), or a later run of this one (a redrive, whose
 * stopped run's end arrives late), is left alone: one conditional write, so no check goes stale before
 * it. An unknown `redriveCount` checks the execution's name only.
 */
export async function recordFailure(
  store: JobStore,
  jobId: string,
  failure: CaughtFailure,
  events?: EventSink,
  executionName: string = jobId,
  redriveCount?: number,
): Promise<RecordedFailure> {
  const description = describeFailure(failure);
  if (!NOTHING_WRITTEN.has(description.error)) {
    const run = { executionName, redriveCount };
    const why = { name: description.error, message: description.cause };
    const failed =
      (await store.failJob(jobId, why, undefined, run)) ?? (await failedUnder(store, jobId, run));
    const event = failed && jobEndedEvent(failed);
    if (events && event) await events.publish(event);
  }
  return { jobId, ...description };
}

/** The job, when it is FAILED under this run of the execution (or an earlier one): announced again. */
async function failedUnder(store: JobStore, jobId: string, run: EndedRun): Promise<JobRecord | undefined> {
  const job = await store.getJob(jobId);
  if (job?.status !== 'FAILED' || executionOf(job) !== run.executionName) return undefined;
  const later = run.redriveCount !== undefined && (job.executionRedriveCount ?? 0) > run.redriveCount;
  return later ? undefined : job;
}
