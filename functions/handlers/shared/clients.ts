import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, type EventBridgeClientConfig } from '@aws-sdk/client-eventbridge';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JobStore } from '../../adapters/job-store';
import type { RuntimeConfig } from './runtime-config';

/**
 * The one way a DynamoDB client for the job table is made, on Lambda, offline and in the CLI: three
 * attempts (the SDK's own backoff for throttling and 5xx) before a step's error reaches Step Functions.
 * `config` adds an endpoint and credentials for a local server; without it the default chain applies.
 */
export function createDynamoDbClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({ maxAttempts: 3, ...config });
}

/**
 * The job store of a table over `client`. It keeps the documents of the jobs it served (its document
 * cache), so build it once per container (or offline runtime) and keep it across invocations.
 */
export function createJobStore(
  client: DynamoDBClient,
  config: Pick<RuntimeConfig, 'tableName' | 'jobTtlSeconds'>,
): JobStore {
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return new JobStore(documents, config.tableName, config.jobTtlSeconds);
}

/**
 * The S3 client `Finalize job` delivers documents with, and the EventBridge client it announces with:
 * the SDK's three attempts for throttling and faults, then the step's error reaches Step Functions.
 */
export function createS3Client(config: S3ClientConfig = {}): S3Client {
  return new S3Client({ maxAttempts: 3, ...config });
}

/** See {@link createS3Client}. */
export function createEventBridgeClient(config: EventBridgeClientConfig = {}): EventBridgeClient {
  return new EventBridgeClient({ maxAttempts: 3, ...config });
}
