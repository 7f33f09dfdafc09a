import type { JobStore } from '../adapters/job-store';
import { InvalidInputError, JobNotFoundError } from '../core/errors';
import type { JobDefaults } from '../core/job-config';
import { parseJobInput } from '../core/job-input';
import { parseJobReference } from '../core/job-reference';
import { storeNewJob } from './store-new-job';

/** What `Initialize job` hands on. */
export interface StartedJob {
  jobId: string;
  nextRound: number;
}

/**
 * Starts or resumes a job. Input with a prompt creates the job under the execution name (idempotent:
 * the same input again resumes it; different input under a taken id is refused). Input `{ "jobId" }`
 * continues a stored job: one a client stored first, or one that failed and is being resumed.
 * Invalid input throws {@link InvalidInputError} before anything is written.
 */
export async function startJob(
  store: JobStore,
  defaults: JobDefaults,
  executionName: string,
  input: unknown,
): Promise<StartedJob> {
  const reference = parseJobReference(input);
  if (reference) {
    const job = await store.getJob(reference.jobId);
    if (!job) {
      throw new JobNotFoundError(`No stored job ${reference.jobId}; store it before starting its execution`);
    }
    // A resumed job's new execution has its own name; the first execution is named by the job id.
    if (executionName !== (job.executionName ?? job.jobId))
      await store.stampExecution(job.jobId, executionName);
    if (job.status === 'PENDING') {
      // A client stored it, validated without the stack's bounds (allowed models, round-size limit).
      parseJobInput(job.config, defaults);
      await store.startJob(job.jobId);
    }
    if (job.status === 'FAILED') await store.reopenJob(job.jobId);
    return { jobId: job.jobId, nextRound: job.nextRound };
  }

  const job = await storeNewJob(store, defaults, executionName, input, 'RUNNING');
  if (job.status === 'FAILED') await store.reopenJob(job.jobId);
  return { jobId: job.jobId, nextRound: job.nextRound };
}
