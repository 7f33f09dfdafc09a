import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalDynamoDb } from '../../local/local-dynamodb';

const TABLE = 'longform-local-test';
const savedEndpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
afterEach(() => {
  if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  else process.env.AWS_ENDPOINT_URL_DYNAMODB = savedEndpoint;
});

describe('startLocalDynamoDb', () => {
  it('serves the DynamoDB API on loopback to a client configured only through AWS_ENDPOINT_URL_DYNAMODB', async () => {
    const dynamo = await startLocalDynamoDb();
    try {
      expect(dynamo.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await dynamo.createJobTable(TABLE);
      await dynamo.createJobTable(TABLE); // idempotent
      process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
      const client = new DynamoDBClient({});
      const { Table } = await client.send(new DescribeTableCommand({ TableName: TABLE }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      client.destroy();
    } finally {
      await dynamo.stop();
    }
  });

  it('makes clients that sign with credentials every local DynamoDB accepts (DynamoDB Local: letters and digits)', async () => {
    const dynamo = await startLocalDynamoDb();
    const client = dynamo.createClient();
    try {
      expect(await client.config.credentials()).toMatchObject({
        accessKeyId: expect.stringMatching(/^[A-Za-z0-9]+$/),
        secretAccessKey: expect.stringMatching(/^[A-Za-z0-9]+$/),
      });
      await dynamo.createJobTable(TABLE);
      const { Table } = await client.send(new DescribeTableCommand({ TableName: TABLE }));
      expect(Table?.TableName).toBe(TABLE);
    } finally {
      client.destroy();
      await dynamo.stop();
    }
  });

  it('keeps items in a data directory across restarts', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'longform-dynamo-')), 'data');
    const item = { pk: 'JOB#persisted', sk: 'META', text: 'survives 👩‍💻' };

    const first = await startLocalDynamoDb({ dataDir });
    await first.createJobTable(TABLE);
    const writer = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: first.endpoint }));
    await writer.send(new PutCommand({ TableName: TABLE, Item: item }));
    writer.destroy();
    await first.stop();

    const second = await startLocalDynamoDb({ dataDir });
    try {
      await second.createJobTable(TABLE);
      const reader = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: second.endpoint }));
      const { Item } = await reader.send(
        new GetCommand({ TableName: TABLE, Key: { pk: item.pk, sk: item.sk } }),
      );
      expect(Item).toEqual(item);
      reader.destroy();
    } finally {
      await second.stop();
    }
  });

  it('enforces the 400 KB item limit with DynamoDB’s own error', async () => {
    const dynamo = await startLocalDynamoDb();
    try {
      await dynamo.createJobTable(TABLE);
      const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint }));
      await expect(
        client.send(
          new PutCommand({ TableName: TABLE, Item: { pk: 'big', sk: 'x', text: 'a'.repeat(410_000) } }),
        ),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(/maximum allowed size/),
      });
      client.destroy();
    } finally {
      await dynamo.stop();
    }
  });
});
