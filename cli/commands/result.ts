import { writeDocument } from '../document-output';
import { runStoredJobCommand } from '../job-command-args';
import { failureLine, summarize } from '../job-report';

const USAGE = 'Usage: longform result JOB_ID (--data-dir DIR | --table NAME) [--out FILE]';

/**
 * `longform result JOB_ID`: writes the job's document as stored so far (to `--out` or stdout), from an
 * offline data directory or a deployed stack's table. Returns 0 when the job completed; for any other
 * status the text so far is still written, with one line on stderr saying why it is not complete.
 */
export function resultCommand(args: string[]): Promise<number> {
  return runStoredJobCommand(
    args,
    { out: { type: 'string' } },
    USAGE,
    async ({ jobId, values, store, job }) => {
      await writeDocument(store, jobId, values.out);
      if (job.status === 'COMPLETED') return 0;
      process.stderr.write(`${failureLine(summarize(jobId, job))}; wrote the text stored so far\n`);
      return 1;
    },
  );
}
