import type { JobRecord, JobStore } from '../functions/adapters/job-store';
import { validateJobId } from '../functions/core/job-reference';
import { openJobStore } from './job-store-target';

/** Where a stored job is: `--data-dir DIR` (offline) or `--table NAME` (a deployed stack). */
export interface JobLocationFlags {
  dataDir?: string;
  table?: string;
}

/** What a command about one stored job works with. */
export interface StoredJobContext {
  jobId: string;
  store: JobStore;
  job: JobRecord;
  /** The data directory when the job is an offline one (no process runs it while we hold the directory). */
  dataDir?: string;
}

/**
 * Runs a command about one stored job: opens the store the job is in and hands the job to `act`. A job
 * that is not there is one line on stderr and exit status 1.
 */
export async function runStoredJobCommand(
  jobIdArgument: string,
  where: JobLocationFlags,
  act: (context: StoredJobContext) => Promise<number>,
): Promise<number> {
  const jobId = validateJobId(jobIdArgument);
  const { store, close } = await openJobStore(where);
  try {
    const job = await store.getJob(jobId);
    if (!job) {
      process.stderr.write(`longform: no job ${jobId} there; check the job id, --data-dir or --table\n`);
      return 1;
    }
    return await act({ jobId, store, job, ...(where.dataDir ? { dataDir: where.dataDir } : {}) });
  } finally {
    await close();
  }
}
