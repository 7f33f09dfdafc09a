import { writeStdout } from '../document-output';
import { resumeHint } from '../execute-job';
import { type JobLocationFlags, runStoredJobCommand } from '../job-command-args';
import { summarize, usageLine } from '../job-report';

/**
 * `longform status JOB_ID`: the job's status, rounds, stop reason, strategy, usage and characters, from an
 * offline data directory or a deployed stack's table. Never prints the prompt or the document. An
 * offline job stored as running that no process runs (this one holds its data directory) is INTERRUPTED.
 * Returns 0 when the job exists, 1 when it does not.
 */
export function statusCommand(jobId: string, flags: JobLocationFlags & { json?: boolean }): Promise<number> {
  return runStoredJobCommand(jobId, flags, async ({ job, dataDir }) => {
    const interrupted = dataDir !== undefined && (job.status === 'RUNNING' || job.status === 'PENDING');
    const summary = {
      ...summarize(jobId, job),
      ...(interrupted ? { status: 'INTERRUPTED' } : {}),
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
    };
    if (flags.json) {
      await writeStdout(`${JSON.stringify(summary)}\n`);
      return 0;
    }
    const reason = summary.error ? ` (${summary.error}: ${summary.cause ?? ''})` : '';
    await writeStdout(
      `${jobId}: ${summary.status}${reason}\n` +
        (interrupted ? `  no process runs it; ${resumeHint(jobId, dataDir)}\n` : '') +
        `  rounds ${summary.rounds}, stop reason ${summary.stopReason ?? '-'}, strategy ${summary.strategy}\n` +
        `  ${summary.characters} characters, ${usageLine(summary)}\n` +
        `  created ${job.createdAt}, updated ${job.updatedAt}\n`,
    );
    return 0;
  });
}
