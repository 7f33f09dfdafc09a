import { existsSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JobStore } from '../functions/adapters/job-store';
import { startLocalDynamoDb } from '../local/local-dynamodb';
import { LOCAL_TABLE_NAME } from '../local/offline-runtime';
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
 * or any endpoint `AWS_ENDPOINT_URL_DYNAMODB` names).
 */
export async function openJobStore(target: JobStoreTarget): Promise<OpenJobStore> {
  if ((target.dataDir === undefined) === (target.table === undefined)) {
    throw new CliUsageError('give either --data-dir DIR (offline jobs) or --table NAME (a deployed stack)');
  }
  if (target.table !== undefined) {
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    return {
      store: new JobStore(documents, target.table, READ_ONLY_TTL_SECONDS),
      close: async () => documents.destroy(),
    };
  }
  if (!existsSync(target.dataDir as string)) {
    throw new CliUsageError(`No Longform data in ${target.dataDir}: give the --data-dir that \`run\` used`);
  }
  const dynamo = await startLocalDynamoDb({ dataDir: target.dataDir as string });
  const documents = DynamoDBDocumentClient.from(dynamo.createClient());
  return {
    store: new JobStore(documents, LOCAL_TABLE_NAME, READ_ONLY_TTL_SECONDS),
    close: async () => {
      documents.destroy();
      await dynamo.stop();
    },
  };
}
