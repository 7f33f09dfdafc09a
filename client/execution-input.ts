import type { JobStore } from '../functions/adapters/job-store';
import type { JobDefaults } from '../functions/core/job-config';
import { storeNewJob } from '../functions/workflow/store-new-job';

/** Step Functions refuses execution input above 256 KiB; inputs above this are stored first (with margin). */
export const MAX_INLINE_INPUT_BYTES = 250 * 1024;

/**
 * The input to start a job's execution with (docs/architecture.md, Execution input): the job input itself
 * when it fits the execution input limit; otherwise the job is validated and stored first (status
 * PENDING) and the execution starts with `{ "jobId": ... }`. Invalid input, or a job id already taken
 * by another input, throws `InvalidInputError` before anything is written.
 */
export async function prepareExecutionInput(
  store: JobStore,
  defaults: JobDefaults,
  jobId: string,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  if (Buffer.byteLength(JSON.stringify(input), 'utf8') <= MAX_INLINE_INPUT_BYTES) return input;
  await storeNewJob(store, defaults, jobId, input, 'PENDING');
  return { jobId };
}
