import { jobDocument } from '../../client/job-document';
import { checkOutPath, writeDocument } from '../document-output';
import { failureLine, type JobSummary, summarize } from '../job-report';
import { type JobTargetFlags, resolveJobTarget, withClient } from '../job-target';
import { runOfflineJobCommand } from '../offline-jobs';

/** Options of `result`. */
export type ResultFlags = JobTargetFlags & { out?: string };

/**
 * `longform result JOB_ID`: writes the job's document as stored so far (to `--out`, atomically, or to
 * stdout), streamed from an offline data directory or a deployed stack (or `serve`). `--out` is checked
 * before anything is read. Returns 0 when the job completed; for any other status the text so far is
 * still written, with one line on stderr saying why it is not complete.
 */
export function resultCommand(jobId: string, flags: ResultFlags): Promise<number> {
  const target = resolveJobTarget(flags, process.env, true);
  if (flags.out !== undefined) checkOutPath(flags.out);
  if (target.kind === 'offline') {
    return runOfflineJobCommand(jobId, target.dataDir, async ({ store, job }) => {
      await writeDocument(jobDocument(store, job), flags.out);
      return outcome(summarize(jobId, job));
    });
  }
  return withClient(target, async (client) => {
    const { executionStatus, error, cause, job } = await client.status(jobId);
    if (!job) {
      process.stderr.write(
        `longform: job ${jobId} is not stored yet (execution ${executionStatus}); nothing to write\n`,
      );
      return 1;
    }
    await writeDocument(client.result(jobId), flags.out);
    const execution = executionStatus ? { status: executionStatus, error, cause } : undefined;
    return outcome(summarize(jobId, job, execution));
  });
}

function outcome(summary: JobSummary): number {
  if (summary.status === 'COMPLETED') return 0;
  process.stderr.write(`${failureLine(summary)}; wrote the text stored so far\n`);
  return 1;
}
