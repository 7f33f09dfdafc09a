import type { JobStore } from '../adapters/job-store';
import { resolveStrategy } from '../core/conversation';
import type { JobDefaults } from '../core/job-config';
import { parseJobInput } from '../core/job-input';
import type { JobRecord } from '../core/job-record';
import { assertSameJob } from '../core/job-reference';
import type { JobStatus } from '../core/job-status';

/**
 * Validates a job input and stores it as job `jobId`, idempotently: the same input under a taken id is
 * the same job, any other input is refused. Returns the stored job. Invalid input throws
 * `InvalidInputError` before anything is written.
 */
export async function storeNewJob(
  store: JobStore,
  defaults: JobDefaults,
  jobId: string,
  input: unknown,
  status: Extract<JobStatus, 'PENDING' | 'RUNNING'>,
): Promise<JobRecord> {
  // A job id the input names (a batch manifest line) must be the one it is stored under.
  const config = parseJobInput(input, defaults, jobId);
  const { created, job } = await store.createJob(
    jobId,
    config,
    resolveStrategy(config.continuation, undefined),
    status,
  );
  if (!created) assertSameJob(jobId, job?.config, config);
  return job as JobRecord;
}
