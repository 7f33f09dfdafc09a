import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createBedrockClient } from '../../adapters/bedrock-model';
import { JobStore } from '../../adapters/job-store';
import { readRuntimeConfig } from './runtime-config';

// Clients live across warm invocations. They are keyed by the endpoint variables so the offline runner,
// which runs handlers in process, gets fresh clients when it points them at other local servers.
const stores = new Map<string, JobStore>();
const bedrockClients = new Map<string, BedrockRuntimeClient>();

/** The job store for the configured table, reused across invocations. */
export function jobStore(): JobStore {
  const { tableName, jobTtlSeconds } = readRuntimeConfig();
  const key = [
    process.env.AWS_ENDPOINT_URL_DYNAMODB,
    process.env.AWS_ENDPOINT_URL,
    tableName,
    jobTtlSeconds,
  ].join('|');
  let store = stores.get(key);
  if (!store) {
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }), {
      marshallOptions: { removeUndefinedValues: true },
    });
    store = new JobStore(documents, tableName, jobTtlSeconds);
    stores.set(key, store);
  }
  return store;
}

/** The Bedrock Runtime client (one attempt per call), reused across invocations. */
export function bedrockClient(): BedrockRuntimeClient {
  const key = [process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME, process.env.AWS_ENDPOINT_URL].join('|');
  let client = bedrockClients.get(key);
  if (!client) {
    client = createBedrockClient();
    bedrockClients.set(key, client);
  }
  return client;
}
