import type { JobStore } from '../functions/adapters/job-store';
import { CliUsageError } from './cli-usage-error';

/** Where a command reads jobs from: a local data directory, or a deployed stack's table. */
export interface JobStoreTarget {
  dataDir?: string;
  table?: string;
}

/** An open job store and how to close what was opened for it. */
export interface OpenJobStore {
  store: JobStore;
  close(): Promise<void>;
}

/** Reads only: the TTL a store would stamp on writes does not matter here. */
const READ_ONLY_TTL_SECONDS = 86_400;

/**
 * Opens the jobs of an offline `--data-dir` (starting the local DynamoDB on it) or of a deployed stack's
 * `--table` (the `TableName` stack output; real DynamoDB through the default credential chain and region,
 * or any endpoint `AWS_ENDPOINT_URL_DYNAMODB` names). The SDK and the local server load only once the
 * arguments are known to be right.
 */
export async function openJobStore(target: JobStoreTarget): Promise<OpenJobStore> {
  if ((target.dataDir === undefined) === (target.table === undefined)) {
    throw new CliUsageError('give either --data-dir DIR (offline jobs) or --table NAME (a deployed stack)');
  }
  const { createDynamoDbClient, createJobStore } = await import('../functions/handlers/shared/clients');
  if (target.table !== undefined) {
    const client = createDynamoDbClient();
    return {
      store: createJobStore(client, { tableName: target.table, jobTtlSeconds: READ_ONLY_TTL_SECONDS }),
      close: async () => client.destroy(),
    };
  }
  const [{ LOCAL_TABLE_NAME, startLocalDynamoDb }, { DataDirectory }] = await Promise.all([
    import('../local/local-dynamodb'),
    import('../local/data-directory'),
  ]);
  // Refuses (writing nothing) a directory that is not Longform's, and one a running job holds.
  const directory = await DataDirectory.open(target.dataDir as string, false);
  const dynamo = await startLocalDynamoDb({ dataDir: directory.path }).catch((error: unknown) => {
    directory.release();
    throw error;
  });
  const client = dynamo.createClient();
  return {
    store: createJobStore(client, { tableName: LOCAL_TABLE_NAME, jobTtlSeconds: READ_ONLY_TTL_SECONDS }),
    close: async () => {
      client.destroy();
      await dynamo.stop();
      directory.release();
    },
  };
}
