import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { PARTITION_KEY, SORT_KEY } from '../functions/adapters/job-table-keys';

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
  stop(): Promise<void>;
}

/**
 * Starts a local DynamoDB API server (dynalite) on a free loopback port. Tables are ACTIVE at once
 * (`createTableMs: 0`) so no waiter is needed.
 */
export async function startLocalDynamoDb(options: LocalDynamoDbOptions = {}): Promise<LocalDynamoDb> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
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

  return {
    endpoint,
    async createJobTable(tableName) {
      // dynalite accepts any signature: fixed local credentials keep this client off the credential chain.
      const client = new DynamoDBClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'longform-local', secretAccessKey: 'longform-local' },
        maxAttempts: 1,
      });
      try {
        await client.send(
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
        );
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
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
