import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { PARTITION_KEY, SORT_KEY } from '../functions/adapters/job-table-keys';
import { createDynamoDbClient } from '../functions/handlers/shared/clients';
import { DataDirectoryError } from './data-directory';

/** How often, and how long at most, a new local table is checked for ACTIVE. */
const ACTIVE_POLL_MS = 5;
const ACTIVE_WAIT_MS = 10_000;

/**
 * The local servers accept any signature; these keep SDK clients off the real credential chain. Letters
 * and digits only: AWS's own DynamoDB Local refuses any other access key id.
 */
export const LOCAL_CREDENTIALS = {
  accessKeyId: 'longformlocal',
  secretAccessKey: 'longformlocal',
} as const;

/** The table the offline runtime keeps its jobs in, and where the CLI reads a `--data-dir`'s jobs. */
export const LOCAL_TABLE_NAME = 'longform-jobs';

/** The region local clients sign for; the local servers accept any. */
export const LOCAL_REGION = 'us-east-1';

/** Options for {@link startLocalDynamoDb}. */
export interface LocalDynamoDbOptions {
  /** Keep tables in a LevelDB directory that survives restarts; in memory when absent. */
  dataDir?: string;
}

/** A running dynalite server on loopback. */
export interface LocalDynamoDb {
  /** Endpoint for SDK clients, e.g. `http://127.0.0.1:45678`. */
  endpoint: string;
  /** Creates the Longform table (same key schema as the stack) unless it already exists. */
  createJobTable(tableName: string): Promise<void>;
  /** A DynamoDB client for this server that never looks for real credentials. */
  createClient(): DynamoDBClient;
  stop(): Promise<void>;
}

/**
 * Starts a local DynamoDB API server (dynalite) on a free loopback port. Tables are ACTIVE at once
 * (`createTableMs: 0`) so no waiter is needed.
 */
export async function startLocalDynamoDb(options: LocalDynamoDbOptions = {}): Promise<LocalDynamoDb> {
  if (options.dataDir) {
    await mkdir(options.dataDir, { recursive: true });
    await checkDatabase(options.dataDir);
  }
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: options.dataDir } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const createClient = () =>
    createDynamoDbClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

  return {
    endpoint,
    createClient,
    async createJobTable(tableName) {
      const client = createClient();
      try {
        await client
          .send(
            new CreateTableCommand({
              TableName: tableName,
              BillingMode: 'PAY_PER_REQUEST',
              AttributeDefinitions: [
                { AttributeName: PARTITION_KEY, AttributeType: 'S' },
                { AttributeName: SORT_KEY, AttributeType: 'S' },
              ],
              KeySchema: [
                { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
                { AttributeName: SORT_KEY, KeyType: 'RANGE' },
              ],
            }),
          )
          .catch((error: unknown) => {
            if (!(error instanceof ResourceInUseException)) throw error;
          });
        // dynalite answers CreateTable before it has written the table ACTIVE (a timer, then a LevelDB
        // write: slow on disk under load), and refuses item calls on a CREATING table as a missing one.
        for (let waited = 0; ; waited += ACTIVE_POLL_MS) {
          const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
          if (Table?.TableStatus === 'ACTIVE') return;
          if (waited >= ACTIVE_WAIT_MS) throw new Error(`Local table ${tableName} did not become ACTIVE`);
          await sleep(ACTIVE_POLL_MS);
        }
      } finally {
        client.destroy();
      }
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error?: Error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Opens the directory's LevelDB once with the library dynalite uses: dynalite itself reports a damaged or
 * unreadable one only later, as an uncaught "Database is not open" in the middle of a request.
 */
async function checkDatabase(dataDir: string): Promise<void> {
  const { Level } = createRequire(createRequire(import.meta.url).resolve('dynalite'))('level') as {
    Level: new (path: string) => { open(): Promise<void>; close(): Promise<void> };
  };
  const db = new Level(dataDir);
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new DataDirectoryError(
      `cannot open the jobs in ${dataDir} (${cause}): the directory is damaged or not readable`,
    );
  }
  await db.close();
}
