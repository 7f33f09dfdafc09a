import { validateJobId } from '../../functions/core/job-reference';
import { writeStdout } from '../document-output';
import { type JobTargetFlags, resolveClientTarget, withClient } from '../job-target';

/**
 * `longform stop JOB_ID`: stops the job's running execution on a deployed stack (or `serve`). Its stored
 * rounds stay, so `resume` can continue it. A job whose execution already ended is left as it is. Returns
 * 0 (with `--json` `{ jobId, stopped, executionStatus }`); 1 when there is no such job.
 */
export function stopCommand(jobId: string, flags: Omit<JobTargetFlags, 'dataDir'> & { json?: boolean }) {
  const target = resolveClientTarget(flags, process.env);
  const id = validateJobId(jobId);
  return withClient(target, async (client) => {
    const { executionStatus } = await client.status(id);
    const running = executionStatus === 'RUNNING';
    if (running) await client.stop(id);
    const after = running ? 'ABORTED' : (executionStatus ?? null);
    if (flags.json) {
      await writeStdout(`${JSON.stringify({ jobId: id, stopped: running, executionStatus: after })}\n`);
    }
    process.stderr.write(
      running
        ? `longform: stopped job ${id}; continue it with: longform resume ${id}\n`
        : `longform: job ${id} is not running (execution ${executionStatus ?? 'none'}); nothing to stop\n`,
    );
    return 0;
  });
}
