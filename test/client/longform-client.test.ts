import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../client/job-events';
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
import { type MotoServer, startMotoServer } from '../../scenarios/moto-server';
import { storedItemExpiries } from '../../scenarios/shared-store';

let runtime: OfflineRuntime;
let server: StepFunctionsServer;
let client: LongformClient;
let newClient: () => LongformClient;
/** An independent CloudFormation API, where the test creates stacks for `fromStack` to read. */
let moto: MotoServer;

beforeAll(async () => {
  [runtime, moto] = await Promise.all([OfflineRuntime.start({ retryIntervalMs: 1 }), startMotoWithStacks()]);
  server = await startStepFunctionsServer(runtime);
  const endpoints = await servedEndpoints(runtime, server);
  const local = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  newClient = () =>
    new LongformClient({
      stateMachineArn: LOCAL_STATE_MACHINE_ARN,
      tableName: LOCAL_TABLE_NAME,
      sfn: { ...local, endpoint: server.url },
      dynamodb: { ...local, endpoint: endpoints.dynamodb },
      jobDefaults: runtime.defaults,
    });
  client = newClient();
});

/** moto with two stacks: `Longform`, whose outputs name serve's state machine and table, and one without. */
async function startMotoWithStacks(): Promise<MotoServer> {
  const started = await startMotoServer();
  const { endpoint, region, credentials } = started.clientConfig;
  const cloudformation = new CloudFormationClient({ endpoint, region, credentials });
  const createStack = (name: string, outputs: Record<string, string>) =>
    cloudformation.send(
      new CreateStackCommand({
        StackName: name,
        TemplateBody: JSON.stringify({
          Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
          Outputs: Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, { Value: value }])),
        }),
      }),
    );
  try {
    await createStack('Longform', { StateMachineArn: LOCAL_STATE_MACHINE_ARN, TableName: LOCAL_TABLE_NAME });
    await createStack('NotLongform', { TableName: LOCAL_TABLE_NAME });
  } finally {
    cloudformation.destroy();
  }
  return started;
}

afterAll(async () => {
  client?.destroy();
  await server?.close();
  await runtime?.stop();
  await moto?.stop();
});

/** Every event of a watch, to its end. */
async function watchAll(jobId: string): Promise<JobEvent[]> {
  const events: JobEvent[] = [];
  for await (const event of client.watch(jobId, { pollIntervalMs: 10 })) events.push(event);
  return events;
}

async function documentOf(jobId: string): Promise<string> {
  let document = '';
  for await (const piece of client.result(jobId)) document += piece;
  return document;
}

/** The rounds of a watch are 1..n, each once and in order, and its last event is the one `finished`. */
function expectWellFormed(events: JobEvent[]): void {
  const rounds = events.filter((event) => event.type === 'round').map((event) => event.round);
  expect(rounds).toEqual(rounds.map((_, index) => index + 1));
  expect(events.filter((event) => event.type === 'finished')).toHaveLength(1);
  expect(events.at(-1)?.type).toBe('finished');
}

describe('LongformClient against the Step Functions endpoint of serve', () => {
  it('starts a job idempotently on its id, reports its status and streams its document', async () => {
    const input = { prompt: 'From the client [emulator:tokens=500]', maxTokensPerRound: 100 };
    const started = await client.start({ ...input, jobId: 'client-job' });
    expect(await client.start({ ...input, jobId: 'client-job' })).toEqual(started);
    await expect(client.start({ prompt: 'another', jobId: 'client-job' })).rejects.toMatchObject({
      name: 'InvalidInputError',
      field: 'jobId',
    });

    const events = await watchAll('client-job');
    expectWellFormed(events);
    const status = await client.status('client-job');
    expect(status).toMatchObject({ executionStatus: 'SUCCEEDED', job: { status: 'COMPLETED' } });
    expect(events.at(-1)).toMatchObject({
      type: 'finished',
      executionStatus: 'SUCCEEDED',
      jobStatus: 'COMPLETED',
      rounds: (status.job?.nextRound ?? 0) - 1,
      documentCharacters: status.job?.documentCharacters,
      usage: status.job?.usage,
    });
    expect(JSON.stringify(status)).not.toContain('From the client');
    // Closed, the same start is still the same job; a completed job is not resumed.
    expect(await client.start({ ...input, jobId: 'client-job' })).toEqual(started);
    await expect(client.resume('client-job')).rejects.toMatchObject({ name: 'JobAlreadyCompletedError' });
    expect(await documentOf('client-job')).toBe(targetDocument(input));
  });

  it('gives two clients starting the same job id at once one execution, and one of two inputs a refusal', async () => {
    const other = newClient();
    try {
      const input = { prompt: 'Twice at once [emulator:tokens=100]', jobId: 'raced-job' };
      const [first, second] = await Promise.all([client.start(input), other.start(input)]);
      expect(second).toEqual(first);
      const outcomes = await Promise.allSettled([
        client.start({ prompt: 'One [emulator:tokens=100]', jobId: 'contested-job' }),
        other.start({ prompt: 'Another [emulator:tokens=100]', jobId: 'contested-job' }),
      ]);
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({
        reason: { name: 'InvalidInputError', field: 'jobId' },
      });
    } finally {
      other.destroy();
    }
  });

  it('stores a prompt over the execution input limit first, also for two clients at once: one job, its exact document', async () => {
    const input = {
      prompt: `${'Tide pools hold more life than any other shore. '.repeat(6000)}[emulator:tokens=300]`,
      maxTokensPerRound: 150,
    };
    expect(Buffer.byteLength(JSON.stringify(input))).toBeGreaterThan(256 * 1024);
    const other = newClient();
    const [first, second] = await Promise.all([
      client.start({ ...input, jobId: 'stored-job' }),
      other.start({ ...input, jobId: 'stored-job' }),
    ]);
    other.destroy();
    expect(second).toEqual(first);
    await expect(
      client.start({ ...input, prompt: `${input.prompt} `, jobId: 'stored-job' }),
    ).rejects.toMatchObject({ name: 'InvalidInputError', field: 'jobId' });
    const events = await watchAll('stored-job');
    expectWellFormed(events);
    expect(events.at(-1)).toMatchObject({ executionStatus: 'SUCCEEDED', jobStatus: 'COMPLETED' });
    expect(await documentOf('stored-job')).toBe(targetDocument(input));
  });

  it('starts a 1 MB prompt: stored in parts first, run from the table, its exact document', async () => {
    // Mostly 3-byte characters, so 1 MB stays well inside the default model's context window.
    const unit = '潮だまりには岸辺のどこよりも多くの命がある。 Tide pools 🌊 ';
    const prompt = `${unit.repeat(Math.ceil(1_000_000 / Buffer.byteLength(unit)))}[emulator:tokens=200]`;
    const input = { prompt, maxTokensPerRound: 150 };
    expect(Buffer.byteLength(prompt)).toBeGreaterThan(1_000_000);
    await client.start({ ...input, jobId: 'megabyte-job' });
    const events = await watchAll('megabyte-job');
    expectWellFormed(events);
    expect(events.at(-1)).toMatchObject({ executionStatus: 'SUCCEEDED', jobStatus: 'COMPLETED', rounds: 2 });
    expect(await documentOf('megabyte-job')).toBe(targetDocument(input));
    // The same input again is the same job; the status carries no prompt.
    expect((await client.start({ ...input, jobId: 'megabyte-job' })).jobId).toBe('megabyte-job');
    expect((await client.status('megabyte-job')).job).not.toHaveProperty('config');
    // The prompt's write-once parts, stamped by the client, outlive the job the stack keeps.
    const expiries = await storedItemExpiries(runtime, 'megabyte-job');
    const parts = [...expiries].filter(([key]) => key.startsWith('CONFIG#')).map(([, at]) => at);
    expect(parts.length).toBeGreaterThan(2);
    for (const at of parts) expect(at).toBeGreaterThanOrEqual(expiries.get('META') as number);
    // status, watch and result read META alone, never the prompt's parts: a cold client works without them.
    const table = runtime.createTableClient();
    try {
      for (const key of [...expiries.keys()].filter((sk) => sk.startsWith('CONFIG#'))) {
        await table.send(
          new DeleteItemCommand({
            TableName: LOCAL_TABLE_NAME,
            Key: { pk: { S: 'JOB#megabyte-job' }, sk: { S: key } },
          }),
        );
      }
    } finally {
      table.destroy();
    }
    const cold = newClient();
    try {
      expect((await cold.status('megabyte-job')).job?.status).toBe('COMPLETED');
      let document = '';
      for await (const piece of cold.result('megabyte-job')) document += piece;
      expect(document).toBe(targetDocument(input));
    } finally {
      cold.destroy();
    }
  });

  it('watches every round once and in order, a retry with its error name, then the end', async () => {
    // The second model request (round 2's first attempt) is throttled.
    runtime.emulator?.setFaults({ plan: (index) => (index === 1 ? 'throttle' : undefined) });
    try {
      await client.start({
        prompt: 'Watched [emulator:tokens=400]',
        maxTokensPerRound: 100,
        jobId: 'watched',
      });
      const events = await watchAll('watched');
      expectWellFormed(events);
      const retry = events.findIndex((event) => event.type === 'retry');
      expect(events[retry]).toEqual({ type: 'retry', round: 2, error: 'BedrockThrottlingError', attempt: 1 });
      expect(events[retry - 1]).toMatchObject({ type: 'round', round: 1, stopReason: 'max_tokens' });
      expect(events[retry + 1]).toMatchObject({ type: 'round', round: 2 });
      const rounds = events.filter((event) => event.type === 'round');
      expect(rounds.at(-1)).toMatchObject({ stopReason: 'end_turn' });
      expect(rounds.reduce((sum, event) => sum + event.roundCharacters, 0)).toBe(
        rounds.at(-1)?.documentCharacters,
      );
    } finally {
      runtime.emulator?.setFaults(undefined);
    }
  });

  it('resumes a job whose round failed by redriving its execution, and the watch sees it through', async () => {
    // Round 2's attempts are all throttled: its 16 attempts fail and so does the execution, on that step.
    runtime.emulator?.setFaults({ plan: (index) => (index >= 1 ? 'throttle' : undefined) });
    const input = { prompt: 'Redriven [emulator:tokens=300]', maxTokensPerRound: 100 };
    try {
      await client.start({ ...input, jobId: 'redriven' });
      const failed = await watchAll('redriven');
      expect(failed.at(-1)).toMatchObject({
        type: 'finished',
        executionStatus: 'FAILED',
        error: 'BedrockThrottlingError',
        rounds: 1,
      });
      expect(failed.filter((event) => event.type === 'retry')).toHaveLength(15);
    } finally {
      runtime.emulator?.setFaults(undefined);
    }
    const resumed = await client.resume('redriven');
    expect(resumed).toEqual({
      jobId: 'redriven',
      executionArn: (await client.status('redriven')).executionArn,
      redriven: true,
    });
    const events = await watchAll('redriven');
    expectWellFormed(events);
    expect(events.at(-1)).toMatchObject({ executionStatus: 'SUCCEEDED', jobStatus: 'COMPLETED' });
    expect(await documentOf('redriven')).toBe(targetDocument(input));
  });

  it('resumes a job that ended at a Fail state with a new execution, which status, stop and watch follow', async () => {
    // Instruction rounds of 6 tokens filled by chatter: two rounds without progress end the job FAILED.
    runtime.emulator?.setInstructionQuirks({ preambleRate: 1 });
    const input = {
      prompt: 'Resumed anew [emulator:tokens=60]',
      maxTokensPerRound: 6,
      continuation: 'instruction',
    };
    try {
      await client.start({ ...input, jobId: 'resumed' });
      expect((await watchAll('resumed')).at(-1)).toMatchObject({
        executionStatus: 'FAILED',
        jobStatus: 'FAILED',
        error: 'NoProgressError',
      });
    } finally {
      runtime.emulator?.setInstructionQuirks(undefined);
    }
    const resumed = await client.resume('resumed');
    expect(resumed).toEqual({
      jobId: 'resumed',
      executionArn: expect.stringMatching(/:resumed-resume-1$/),
      redriven: false,
    });
    const status = await client.status('resumed');
    expect(status.executionArn).toBe(resumed.executionArn);
    const events = await watchAll('resumed');
    expectWellFormed(events);
    expect(events.at(-1)).toMatchObject({ executionStatus: 'SUCCEEDED', jobStatus: 'COMPLETED' });
    expect(await documentOf('resumed')).toBe(targetDocument(input));
    expect(await client.list({ status: 'SUCCEEDED' })).toContainEqual({
      jobId: 'resumed',
      executionStatus: 'SUCCEEDED',
      executionName: 'resumed-resume-1',
    });
  });

  it('stops a job and lists jobs by status', async () => {
    await client.start({
      prompt: 'Long [emulator:tokens=4000]',
      maxTokensPerRound: 50,
      jobId: 'client-stopped',
    });
    await client.stop('client-stopped');
    expect(await client.status('client-stopped')).toMatchObject({ executionStatus: 'ABORTED' });
    expect((await watchAll('client-stopped')).at(-1)).toMatchObject({ executionStatus: 'ABORTED' });
    expect(await client.list({ status: 'ABORTED' })).toEqual([
      { jobId: 'client-stopped', executionStatus: 'ABORTED', executionName: 'client-stopped' },
    ]);
    const [newest] = await client.list({ limit: 1 });
    expect(newest).toEqual({
      jobId: 'client-stopped',
      executionStatus: 'ABORTED',
      executionName: 'client-stopped',
    });
  });

  it("reads a stack's StateMachineArn and TableName outputs, and names the one a stack lacks", async () => {
    const { endpoint, region, credentials } = moto.clientConfig;
    const local = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const clients = {
      cloudformation: { endpoint, region, credentials },
      sfn: { ...local, endpoint: server.url },
      dynamodb: { ...local, endpoint: (await servedEndpoints(runtime, server)).dynamodb },
    };
    const fromStack = await LongformClient.fromStack('Longform', clients);
    try {
      expect(await fromStack.list()).toEqual(await client.list());
      expect((await fromStack.status('client-job')).job?.status).toBe('COMPLETED');
    } finally {
      fromStack.destroy();
    }
    await expect(LongformClient.fromStack('NotLongform', clients)).rejects.toMatchObject({
      name: 'StackOutputMissingError',
      message: expect.stringContaining('no StateMachineArn output'),
    });
  });

  it('says when no job has the id', async () => {
    await expect(client.status('no-such-job')).rejects.toMatchObject({ name: 'JobNotFoundError' });
    await expect(client.result('no-such-job').next()).rejects.toMatchObject({ name: 'JobNotFoundError' });
    await expect(client.watch('no-such-job').next()).rejects.toMatchObject({ name: 'JobNotFoundError' });
    await expect(client.resume('no-such-job')).rejects.toMatchObject({ name: 'JobNotFoundError' });
  });
});
