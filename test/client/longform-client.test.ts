import { ExecutionAlreadyExists } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LongformClient } from '../../client/longform-client';
import { targetDocument } from '../../local/bedrock-emulator';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/local-dynamodb';
import { LOCAL_TABLE_NAME, OfflineRuntime } from '../../local/offline-runtime';
import {
  LOCAL_STATE_MACHINE_ARN,
  type StepFunctionsServer,
  servedEndpoints,
  startStepFunctionsServer,
} from '../../local/step-functions-server';

let runtime: OfflineRuntime;
let server: StepFunctionsServer;
let client: LongformClient;

beforeAll(async () => {
  runtime = await OfflineRuntime.start({ retryIntervalMs: 1 });
  server = await startStepFunctionsServer(runtime);
  const endpoints = await servedEndpoints(runtime, server);
  const local = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  client = new LongformClient({
    stateMachineArn: LOCAL_STATE_MACHINE_ARN,
    tableName: LOCAL_TABLE_NAME,
    sfn: { ...local, endpoint: server.url },
    dynamodb: { ...local, endpoint: endpoints.dynamodb },
  });
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
  await runtime?.stop();
});

describe('LongformClient against the Step Functions endpoint of serve', () => {
  it('starts a job idempotently on its id, reports its status and streams its document', async () => {
    const input = { prompt: 'From the client [emulator:tokens=500]', maxTokensPerRound: 100 };
    const started = await client.start({ ...input, jobId: 'client-job' });
    expect(await client.start({ ...input, jobId: 'client-job' })).toEqual(started);
    await expect(client.start({ prompt: 'another', jobId: 'client-job' })).rejects.toBeInstanceOf(
      ExecutionAlreadyExists,
    );

    let status = await client.status('client-job');
    while (status.executionStatus === 'RUNNING') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = await client.status('client-job');
    }
    expect(status).toMatchObject({ executionStatus: 'SUCCEEDED', job: { status: 'COMPLETED' } });
    expect(status.job?.nextRound).toBeGreaterThan(2);
    expect(JSON.stringify(status)).not.toContain('From the client');
    // Closed, the same start is still the same job.
    expect(await client.start({ ...input, jobId: 'client-job' })).toEqual(started);

    let document = '';
    for await (const piece of client.result('client-job')) document += piece;
    expect(document).toBe(targetDocument(input));
  });

  it('gives two clients starting the same job id at once the same execution', async () => {
    const input = { prompt: 'Twice at once [emulator:tokens=200]', jobId: 'raced-job' };
    const [first, second] = await Promise.all([client.start(input), client.start(input)]);
    expect(second).toEqual(first);
  });

  it('stops a job and lists jobs by status', async () => {
    await client.start({
      prompt: 'Long [emulator:tokens=4000]',
      maxTokensPerRound: 50,
      jobId: 'client-stopped',
    });
    await client.stop('client-stopped');
    expect(await client.status('client-stopped')).toMatchObject({ executionStatus: 'ABORTED' });
    expect(await client.list({ status: 'ABORTED' })).toEqual([
      { jobId: 'client-stopped', executionStatus: 'ABORTED' },
    ]);
    const [newest] = await client.list({ limit: 1 });
    expect(newest).toEqual({ jobId: 'client-stopped', executionStatus: 'ABORTED' });
  });

  it('says when no job has the id', async () => {
    await expect(client.status('no-such-job')).rejects.toMatchObject({ name: 'JobNotFoundError' });
    await expect(client.result('no-such-job').next()).rejects.toMatchObject({ name: 'JobNotFoundError' });
  });
});
