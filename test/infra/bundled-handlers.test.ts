import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LongformStack } from '../../infra/longform-stack';
import type { StepKey } from '../../infra/workflow-steps';
import { type RunningEmulator, startBedrockEmulator, targetDocument } from '../../local/bedrock-emulator';
import { createLambdaContext } from '../../local/lambda-context';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../local/local-dynamodb';

type Handler = (event: unknown, context: Context) => Promise<Record<string, unknown>>;

let dynamo: LocalDynamoDb;
let emulator: RunningEmulator;
const handlers = {} as Record<StepKey, Handler>;

/**
 * Synthesizes the stack with bundling on (esbuild, as `cdk deploy` would) and loads each function's
 * bundle: what is deployed, not the sources, must run a job.
 */
beforeAll(async () => {
  const outdir = mkdtempSync(join(tmpdir(), 'longform-cdk-'));
  const app = new App({ outdir });
  const stack = new LongformStack(app, 'Longform');
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  dynamo = await startLocalDynamoDb();
  await dynamo.createJobTable('longform-bundle-test');
  emulator = await startBedrockEmulator();
  for (const [key, fn] of Object.entries(stack.longform.functions) as [
    StepKey,
    (typeof stack.longform.functions)[StepKey],
  ][]) {
    const cfn = fn.node.defaultChild as CfnFunction;
    const code = artifact.template.Resources[stack.getLogicalId(cfn)].Properties.Code as { S3Key: string };
    const assetPath = `asset.${code.S3Key.replace(/\.zip$/, '')}`;
    // A bundle reads its environment once, when it loads, as a Lambda container does: the function's
    // variables as synthesized, pointed at the local servers, with the test output kept quiet.
    Object.assign(process.env, stack.resolve(cfn.environment)?.variables ?? {}, {
      TABLE_NAME: 'longform-bundle-test',
      ALLOWED_MODEL_IDS: '',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.url,
    });
    handlers[key] = (
      await import(pathToFileURL(join(artifact.assembly.directory, assetPath, 'index.mjs')).href)
    ).handler;
  }
}, 120_000);

afterAll(async () => {
  await emulator?.close();
  await dynamo?.stop();
});

describe('the bundled Lambda functions', () => {
  it('run a whole job: initialize, rounds until the model ends, finalize', async () => {
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
