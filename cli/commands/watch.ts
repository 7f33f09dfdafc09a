import { validateJobId } from '../../functions/core/job-reference';
import { type JobTargetFlags, resolveClientTarget, withClient } from '../job-target';
import { watchJob } from '../watch-job';

/**
 * `longform watch JOB_ID`: follows a job of a deployed stack (or `serve`) to its end (see
 * {@link watchJob}). Returns 0 when the job completed, else 1.
 */
export function watchCommand(jobId: string, flags: Omit<JobTargetFlags, 'dataDir'> & { json?: boolean }) {
  const target = resolveClientTarget(flags, process.env);
  const id = validateJobId(jobId);
  return withClient(target, (client) => watchJob(client, id, flags.json ?? false));
}
