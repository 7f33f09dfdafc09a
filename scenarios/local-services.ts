import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttp2Handler } from '@smithy/node-http-handler';
import { streamReply } from '../functions/adapters/bedrock-stream';
import { JobStore } from '../functions/adapters/job-store';
import type { JobDefaults } from '../functions/core/job-config';
import { roundTimeBudget } from '../functions/core/round-time-budget';
import { type CallModel, type RoundResult, runRound } from '../functions/workflow/run-round';
import { startJob } from '../functions/workflow/start-job';
import { type EmulatorOptions, type RunningEmulator, startBedrockEmulator } from '../local/bedrock-emulator';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from '../local/local-dynamodb';

/** Table the integration tests use. */
export const TEST_TABLE = 'longform-test';

/** Defaults as a stack would configure them. */
export const TEST_DEFAULTS: JobDefaults = {
  modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  maxTokensPerRound: 256,
  maxRounds: 200,
  allowedModelIds: [],
};

/** Real local servers and real SDK clients pointed at them. */
export interface LocalServices {
  dynamo: LocalDynamoDb;
  emulator: RunningEmulator;
  documents: DynamoDBDocumentClient;
  store: JobStore;
  bedrock: BedrockRuntimeClient;
  /** One real Bedrock call through the adapter, with a generous deadline. */
  callModel: CallModel;
  stop(): Promise<void>;
}

/** Starts dynalite (in memory) and the Bedrock emulator, creates the table, and builds the clients. */
export async function startLocalServices(emulatorOptions: EmulatorOptions = {}): Promise<LocalServices> {
  const dynamo = await startLocalDynamoDb();
  await dynamo.createJobTable(TEST_TABLE);
  const emulator = await startBedrockEmulator(emulatorOptions);
  const documents = DynamoDBDocumentClient.from(dynamo.createClient(), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const store = new JobStore(documents, TEST_TABLE, 86_400);
  const bedrock = new BedrockRuntimeClient({
    endpoint: emulator.url,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttp2Handler({ requestTimeout: 60_000 }),
  });
  return {
    dynamo,
    emulator,
    documents,
    store,
    bedrock,
    // Rounds stream as deployed, with the budget of a minute-long round function.
    callModel: (config, conversation) => streamReply(bedrock, config, conversation, roundTimeBudget(60_000)),
    async stop() {
      bedrock.destroy();
      documents.destroy();
      await emulator.close();
      await dynamo.stop();
    },
  };
}

/** Runs rounds the way the state machine does (retrying a round that throws `retriable` errors) until the job ends. */
export async function driveJob(
  store: JobStore,
  callModel: CallModel,
  jobId: string,
  firstRound = 1,
): Promise<RoundResult> {
  let round = firstRound;
  for (;;) {
    const { result } = await runRound(store, callModel, jobId, round);
    if (result.next === 'finish') return result;
    round = result.nextRound;
  }
}

/** Starts a job from `input` under {@link TEST_DEFAULTS} and runs its rounds until it ends, as {@link driveJob}. */
export async function runJobToEnd(
  services: LocalServices,
  jobId: string,
  input: unknown,
): Promise<RoundResult> {
  await startJob(services.store, TEST_DEFAULTS, jobId, input);
  return driveJob(services.store, services.callModel, jobId);
}
