import type { JobState, JobStore } from '../functions/adapters/job-store';
import { validateJobId } from '../functions/core/job-reference';

/** What a command about one offline job works with. */
export interface OfflineJobContext {
  jobId: string;
  store: JobStore;
  /** The job's META, without its prompt text (a long prompt's parts are not read). */
  job: JobState;
  /** The data directory the job is in; no process runs the job while this one holds it. */
  dataDir: string;
}

/** Reads only: the TTL a store would stamp on writes does not matter here. */
const READ_ONLY_TTL_SECONDS = 86_400;

/**
 * Runs a command about one job of an offline data directory: holds the directory (refusing, without
 * writing to it, one that is not Longform's or that a running job holds), starts the local DynamoDB on
 * it and hands the job to `act`. A job that is not there is one line on stderr and exit status 1.
 */
export async function runOfflineJobCommand(
  jobIdArgument: string,
  dataDir: string,
  act: (context: OfflineJobContext) => Promise<number>,
): Promise<number> {
  const jobId = validateJobId(jobIdArgument);
  const [{ LOCAL_TABLE_NAME, startLocalDynamoDb }, { DataDirectory }, { createJobStore }] = await Promise.all(
    [
      import('../local/local-dynamodb'),
      import('../local/data-directory'),
      import('../functions/handlers/shared/clients'),
    ],
  );
  const directory = await DataDirectory.open(dataDir, false);
  try {
    const dynamo = await startLocalDynamoDb({ dataDir: directory.path });
    const client = dynamo.createClient();
    try {
      const store = createJobStore(client, {
        tableName: LOCAL_TABLE_NAME,
        jobTtlSeconds: READ_ONLY_TTL_SECONDS,
      });
      const job = await store.getJobState(jobId);
      if (!job) {
        process.stderr.write(`longform: no job ${jobId} in ${dataDir}; check the job id and --data-dir\n`);
        return 1;
      }
      return await act({ jobId, store, job, dataDir });
    } finally {
      client.destroy();
      await dynamo.stop();
    }
  } finally {
    directory.release();
  }
}
