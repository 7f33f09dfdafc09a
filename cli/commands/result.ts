import { writeDocument } from '../document-output';
import { type JobLocationFlags, runStoredJobCommand } from '../job-command-args';
import { failureLine, summarize } from '../job-report';

/**
 * `longform result JOB_ID`: writes the job's document as stored so far (to `--out` or stdout), from an
 * offline data directory or a deployed stack's table. Returns 0 when the job completed; for any other
 * status the text so far is still written, with one line on stderr saying why it is not complete.
 */
export function resultCommand(jobId: string, flags: JobLocationFlags & { out?: string }): Promise<number> {
  return runStoredJobCommand(jobId, flags, async ({ store, job }) => {
    await writeDocument(store, jobId, flags.out);
    if (job.status === 'COMPLETED') return 0;
    process.stderr.write(`${failureLine(summarize(jobId, job))}; wrote the text stored so far\n`);
    return 1;
  });
}
