import type { JobStore } from '../adapters/job-store';
import { JobNotFoundError } from '../core/errors';
import type { JobStatus } from '../core/job-status';

/** What `Finalize job` hands on; `error`/`cause` feed the Fail state when the job did not complete. */
export interface FinishedJob {
  jobId: string;
  status: JobStatus;
  rounds: number;
  documentCharacters: number;
  error?: string;
  cause?: string;
}

/** Stamps the end of a job and reports how it ended. Safe to repeat. */
export async function finishJob(store: JobStore, jobId: string): Promise<FinishedJob> {
  const job = await store.markFinished(jobId);
  if (!job) throw new JobNotFoundError(`Job ${jobId} does not exist`);
  const summary: FinishedJob = {
    jobId,
    status: job.status,
    rounds: job.nextRound - 1,
    documentCharacters: job.documentCharacters,
  };
  if (job.status === 'COMPLETED') return summary;
  return {
    ...summary,
    error: job.failure?.name ?? 'JobNotCompletedError',
    cause: job.failure?.message ?? `Job ended with status ${job.status}`,
  };
}
