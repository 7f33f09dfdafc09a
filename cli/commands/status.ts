import { writeStdout } from '../document-output';
import { runStoredJobCommand } from '../job-command-args';
import { summarize } from '../job-report';

const USAGE = 'Usage: longform status JOB_ID (--data-dir DIR | --table NAME) [--json]';

/**
 * `longform status JOB_ID`: the job's status, rounds, stop reason, strategy, usage and characters, from an
 * offline data directory or a deployed stack's table. Never prints the prompt or the document.
 * Returns 0 when the job exists, 1 when it does not.
 */
export function statusCommand(args: string[]): Promise<number> {
  return runStoredJobCommand(args, { json: { type: 'boolean' } }, USAGE, async ({ jobId, values, job }) => {
    const summary = { ...summarize(jobId, job), createdAt: job.createdAt, updatedAt: job.updatedAt };
    if (values.json) {
      await writeStdout(`${JSON.stringify(summary)}\n`);
      return 0;
    }
    const reason = summary.error ? ` (${summary.error}: ${summary.cause ?? ''})` : '';
    await writeStdout(
      `${jobId}: ${summary.status}${reason}\n` +
        `  rounds ${summary.rounds}, stop reason ${summary.stopReason ?? '-'}, strategy ${summary.strategy}\n` +
        `  ${summary.characters} characters, ${summary.usage.inputTokens} input and ${summary.usage.outputTokens} output tokens\n` +
        `  created ${job.createdAt}, updated ${job.updatedAt}\n`,
    );
    return 0;
  });
}
