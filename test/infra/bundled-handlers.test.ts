import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LongformStack } from '../../infra/longform-stack';
import type { StepKey } from '../../infra/workflow-steps';
import { type RunningEmulator, startBedrockEmulator, targetDocument } from '../../local/bedrock-emulator';
import { createLambdaContext } from '../../local/lambda-context';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../local/local-dynamodb';
import { type MotoServer, sqsCall, startMotoServer } from '../../scenarios/moto-server';
import { testApp } from './synth';

type Handler = (event: unknown, context: Context) => Promise<Record<string, unknown>>;

let dynamo: LocalDynamoDb;
let emulator: RunningEmulator;
let moto: MotoServer;
let s3: S3Client;
let queueUrl: string;
const handlers = {} as Record<StepKey, Handler>;
const DOCUMENTS_BUCKET = 'longform-bundle-documents';

/**
 * Synthesizes the stack with bundling on (esbuild, as `cdk deploy` would) and loads each function's
 * bundle: what is deployed, not the sources, must run a job, deliver its document to S3 and announce it
 * on the default EventBridge bus (moto stands in for both, reached through the SDK's endpoint variables).
 */
beforeAll(async () => {
  const motoStarted = startMotoServer();
  const outdir = mkdtempSync(join(tmpdir(), 'longform-cdk-'));
  const app = testApp({ outdir });
  const stack = new LongformStack(app, 'Longform');
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  dynamo = await startLocalDynamoDb();
  await dynamo.createJobTable('longform-bundle-test');
  emulator = await startBedrockEmulator();
  moto = await motoStarted;
  s3 = new S3Client(moto.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: DOCUMENTS_BUCKET }));
  queueUrl = await ruleToQueue(moto);
  for (const [key, fn] of Object.entries(stack.longform.functions) as [
    StepKey,
    (typeof stack.longform.functions)[StepKey],
  ][]) {
    const cfn = fn.node.defaultChild as CfnFunction;
    const code = artifact.template.Resources[stack.getLogicalId(cfn)].Properties.Code as { S3Key: string };
    const assetPath = `asset.${code.S3Key.replace(/\.zip$/, '')}`;
    // A bundle reads its environment once, when it loads, as a Lambda container does: the function's
    // variables as synthesized (the table and bucket names local), pointed at the local servers, with the
    // test output kept quiet. Only some functions have the bucket and the bus.
    const variables: Record<string, unknown> = stack.resolve(cfn.environment)?.variables ?? {};
    delete process.env.DOCUMENTS_BUCKET;
    delete process.env.EVENT_BUS_NAME;
    Object.assign(process.env, variables, {
      TABLE_NAME: 'longform-bundle-test',
      ...(variables.DOCUMENTS_BUCKET ? { DOCUMENTS_BUCKET } : {}),
      ALLOWED_MODEL_IDS: '',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.url,
      AWS_ENDPOINT_URL_S3: moto.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: moto.endpoint,
    });
    handlers[key] = (
      await import(pathToFileURL(join(artifact.assembly.directory, assetPath, 'index.mjs')).href)
    ).handler;
  }
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
  await emulator?.close();
  await dynamo?.stop();
});

/** A rule on the default bus that sends every Longform event to a queue; returns the queue's URL. */
async function ruleToQueue(server: MotoServer): Promise<string> {
  const { QueueUrl } = await sqsCall<{ QueueUrl: string }>(server, 'CreateQueue', {
    QueueName: 'longform-events',
  });
  const { Attributes } = await sqsCall<{ Attributes: { QueueArn: string } }>(server, 'GetQueueAttributes', {
    QueueUrl,
    AttributeNames: ['QueueArn'],
  });
  const events = new EventBridgeClient(server.clientConfig);
  await events.send(
    new PutRuleCommand({ Name: 'longform', EventPattern: JSON.stringify({ source: ['longform'] }) }),
  );
  await events.send(
    new PutTargetsCommand({ Rule: 'longform', Targets: [{ Id: 'queue', Arn: Attributes.QueueArn }] }),
  );
  events.destroy();
  return QueueUrl;
}

describe('the bundled Lambda functions', () => {
  it('run a whole job: initialize, rounds until the model ends, finalize, which delivers and announces the document', async () => {
    const context = () => createLambdaContext('bundle', 60);
    const prompt = 'Bundled handlers [emulator:tokens=500]';
    const started = await handlers.initialize(
      { jobId: 'bundle-1', input: { prompt, maxTokensPerRound: 90 } },
      context(),
    );
    let round = started.nextRound as number;
    let result: Record<string, unknown>;
    do {
      result = await handlers.generateRound({ jobId: 'bundle-1', round }, context());
      round = result.nextRound as number;
    } while (result.next === 'continue');
    const finished = await handlers.finalize({ jobId: 'bundle-1' }, context());
    expect(finished).toMatchObject({ jobId: 'bundle-1', status: 'COMPLETED' });
    expect(finished.rounds).toBeGreaterThan(3);
    expect(finished.documentCharacters).toBe(targetDocument({ prompt }).length);
    const object = await s3.send(
      new GetObjectCommand({ Bucket: DOCUMENTS_BUCKET, Key: 'documents/bundle-1.md' }),
    );
    expect(object.ContentType).toBe('text/markdown; charset=utf-8');
    expect(await object.Body?.transformToString('utf-8')).toBe(targetDocument({ prompt }));
    const { Messages = [] } = await sqsCall<{ Messages?: { Body: string }[] }>(moto, 'ReceiveMessage', {
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
    });
    expect(Messages.map((message) => JSON.parse(message.Body))).toEqual([
      expect.objectContaining({
        source: 'longform',
        'detail-type': 'Longform Job Completed',
        detail: expect.objectContaining({
          jobId: 'bundle-1',
          status: 'COMPLETED',
          document: expect.objectContaining({ location: `s3://${DOCUMENTS_BUCKET}/documents/bundle-1.md` }),
        }),
      }),
    ]);
    const failure = await handlers.recordFailure(
      {
        jobId: 'bundle-missing',
        failure: { Error: 'InvalidInputError', Cause: '{"errorMessage":"prompt is required"}' },
      },
      context(),
    );
    expect(failure).toEqual({
      jobId: 'bundle-missing',
      error: 'InvalidInputError',
      cause: 'prompt is required',
    });
  });
});
