import { writeStdout } from '../document-output';
import { parseJobCommand } from '../job-command-args';
import { summarize } from '../job-report';
import { openJobStore } from '../job-store-target';

const USAGE = 'Usage: longform status JOB_ID (--data-dir DIR | --table NAME) [--json]';

/**
 * `longform status JOB_ID`: the job's status, rounds, stop reason, strategy, usage and characters, from an
 * offline data directory or a deployed stack's table. Never prints the prompt or the document.
 * Returns 0 when the job exists, 1 when it does not.
 */
export async function statusCommand(args: string[]): Promise<number> {
  const { jobId, values } = parseJobCommand(args, { json: { type: 'boolean' } }, USAGE);
  const { store, close } = await openJobStore({ dataDir: values['data-dir'], table: values.table });
  try {
    const job = await store.getJob(jobId);
    if (!job) {
      process.stderr.write(`longform: no job ${jobId} there; check the job id, --data-dir or --table\n`);
      return 1;
    }
    const summary = { ...summarize(jobId, job), createdAt: job.createdAt, updatedAt: job.updatedAt };
    if (values.json) {
      await writeStdout(`${JSON.stringify(summary)}\n`);
    } else {
      const reason = summary.error ? ` (${summary.error}: ${summary.cause ?? ''})` : '';
      await writeStdout(
        `${jobId}: ${summary.status}${reason}\n` +
          `  rounds ${summary.rounds}, stop reason ${summary.stopReason ?? '-'}, strategy ${summary.strategy}\n` +
          `  ${summary.characters} characters, ${summary.usage.inputTokens} input and ${summary.usage.outputTokens} output tokens\n` +
          `  created ${job.createdAt}, updated ${job.updatedAt}\n`,
      );
    }
    return 0;
  } finally {
    await close();
  }
}
