import { writeStdout } from '../document-output';
import { resumeHint } from '../execute-job';
import { type JobSummary, summarize, usageLine } from '../job-report';
import { type JobTargetFlags, resolveJobTarget, withClient } from '../job-target';
import { runOfflineJobCommand } from '../offline-jobs';

/** Options of `status`. */
export type StatusFlags = JobTargetFlags & { json?: boolean };

/**
 * `longform status JOB_ID`: the job's status, rounds, stop reason, strategy, usage and characters, from an
 * offline data directory or a deployed stack (or `serve`), whose execution status it adds. Never prints
 * the prompt or the document. An offline job stored as running that no process runs (this one holds its
 * data directory) is INTERRUPTED. Returns 0 when the job exists, 1 when it does not.
 */
export function statusCommand(jobId: string, flags: StatusFlags): Promise<number> {
  const target = resolveJobTarget(flags, process.env, true);
  if (target.kind === 'offline') {
    return runOfflineJobCommand(jobId, target.dataDir, async ({ job, dataDir }) => {
      const interrupted = job.status === 'RUNNING' || job.status === 'PENDING';
      const summary = {
        ...summarize(jobId, job),
        ...(interrupted ? { status: 'INTERRUPTED' } : {}),
        createdAt: job.createdAt,
        updatedAt: job.updatedAt,
      };
      const note = interrupted ? `  no process runs it; ${resumeHint(jobId, dataDir)}\n` : '';
      await printStatus(summary, flags.json, '', note);
      return 0;
    });
  }
  return withClient(target, async (client) => {
    const { executionArn, executionStatus, error, cause, job } = await client.status(jobId);
    const execution = executionStatus
      ? { status: executionStatus, ...(error ? { error } : {}), ...(cause ? { cause } : {}) }
      : undefined;
    const summary = {
      ...summarize(jobId, job, execution),
      executionArn,
      executionStatus: executionStatus ?? null,
      createdAt: job?.createdAt ?? null,
      updatedAt: job?.updatedAt ?? null,
    };
    await printStatus(summary, flags.json, ` (execution ${executionStatus ?? 'none'})`, '');
    return 0;
  });
}

/** The summary as one JSON object, or as the lines a person reads. */
function printStatus(
  summary: JobSummary & { createdAt: string | null; updatedAt: string | null },
  json: boolean | undefined,
  execution: string,
  note: string,
): Promise<void> {
  if (json) return writeStdout(`${JSON.stringify(summary)}\n`);
  const reason = summary.error ? ` (${summary.error}: ${summary.cause ?? ''})` : '';
  return writeStdout(
    `${summary.jobId}: ${summary.status}${reason}${execution}\n${note}` +
      `  rounds ${summary.rounds}, stop reason ${summary.stopReason ?? '-'}, strategy ${summary.strategy ?? '-'}\n` +
      `  ${summary.characters} characters, ${usageLine(summary)}\n` +
      `  created ${summary.createdAt ?? '-'}, updated ${summary.updatedAt ?? '-'}\n`,
  );
}
