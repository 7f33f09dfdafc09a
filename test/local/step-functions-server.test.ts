import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  InvalidArn,
  InvalidName,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetDocument } from '../../local/bedrock-emulator';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/local-dynamodb';
import { OfflineRuntime } from '../../local/offline-runtime';
import {
  LOCAL_STATE_MACHINE_ARN,
  type StepFunctionsServer,
  startStepFunctionsServer,
} from '../../local/step-functions-server';

let runtime: OfflineRuntime;
let server: StepFunctionsServer;
let sfn: SFNClient;

beforeAll(async () => {
  runtime = await OfflineRuntime.start({ retryIntervalMs: 1 });
  server = await startStepFunctionsServer(runtime);
  sfn = new SFNClient({ endpoint: server.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
});

afterAll(async () => {
  sfn?.destroy();
  await server?.close();
  await runtime?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function untilDone(executionArn: string, client = sfn) {
  for (;;) {
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return described;
    await sleep(20);
  }
}

describe('Step Functions server', () => {
  it('starts, describes, lists and reads the history of an execution through @aws-sdk/client-sfn', async () => {
    const job = { prompt: 'Served [emulator:tokens=600]', maxTokensPerRound: 100 };
    const input = JSON.stringify(job);
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: LOCAL_STATE_MACHINE_ARN, name: 'served-job', input }),
    );
    // The same name and input while it runs is the same execution; another input is refused.
    const again = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: LOCAL_STATE_MACHINE_ARN, name: 'served-job', input }),
    );
    expect(again).toMatchObject({ executionArn: started.executionArn, startDate: started.startDate });
    await expect(
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn: LOCAL_STATE_MACHINE_ARN,
          name: 'served-job',
          input: JSON.stringify({ ...job, prompt: 'other' }),
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    const done = await untilDone(started.executionArn as string);
    expect(done).toMatchObject({ status: 'SUCCEEDED', name: 'served-job', input });
    expect(done.stopDate).toBeInstanceOf(Date);
    expect(await runtime.store.loadDocument('served-job')).toBe(targetDocument(job));
    // Closed, it is taken even for the same input.
    await expect(
      sfn.send(
        new StartExecutionCommand({ stateMachineArn: LOCAL_STATE_MACHINE_ARN, name: 'served-job', input }),
      ),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    const listed = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: LOCAL_STATE_MACHINE_ARN, statusFilter: 'SUCCEEDED' }),
    );
    expect(listed.executions?.map((execution) => execution.name)).toContain('served-job');

    const { events = [] } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: started.executionArn }),
    );
    expect(events[0]?.type).toBe('ExecutionStarted');
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
    const rounds = events.filter(
      (event) =>
        event.type === 'TaskStateEntered' && event.stateEnteredEventDetails?.name === runtime.roundStateName,
    );
    expect(rounds.length).toBeGreaterThan(1);

    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    expect(stateMachines?.map((machine) => machine.stateMachineArn)).toEqual([LOCAL_STATE_MACHINE_ARN]);
  });

  it('lets one of two simultaneous starts of a name with different inputs win', async () => {
    const start = (prompt: string) =>
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn: LOCAL_STATE_MACHINE_ARN,
          name: 'raced-name',
          input: JSON.stringify({ prompt: `${prompt} [emulator:tokens=200]` }),
        }),
      );
    const results = await Promise.allSettled([start('one'), start('two')]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((result) => result.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('stops a running execution, marks its job FAILED with ExecutionAbortedError, and redrives it to the exact document', async () => {
    const job = { prompt: 'Stopped [emulator:tokens=400]', maxTokensPerRound: 50 };
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: LOCAL_STATE_MACHINE_ARN,
        name: 'stopped-job',
        input: JSON.stringify(job),
      }),
    );
    while (((await runtime.store.getJob('stopped-job'))?.nextRound ?? 1) < 2) await sleep(5);
    const { stopDate } = await sfn.send(new StopExecutionCommand({ executionArn }));
    expect(stopDate).toBeInstanceOf(Date);
    expect(await untilDone(executionArn as string)).toMatchObject({
      status: 'ABORTED',
      redriveStatus: 'REDRIVABLE',
    });
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events.at(-1)?.type).toBe('ExecutionAborted');

    // The job is marked once the round that was running has finished, as the stack's recorder marks it.
    let stopped = await runtime.store.getJob('stopped-job');
    for (let polls = 0; stopped?.status === 'RUNNING' && polls < 200; polls++) {
      await sleep(10);
      stopped = await runtime.store.getJob('stopped-job');
    }
    expect([stopped?.status, stopped?.failure?.name]).toEqual(['FAILED', 'ExecutionAbortedError']);
    const announced = () =>
      runtime.events
        .filter((event) => event.detail.jobId === 'stopped-job')
        .map((event) => [event.detail.status, event.detail.error?.name]);
    expect(announced()).toEqual([['FAILED', 'ExecutionAbortedError']]);

    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect(await untilDone(executionArn as string)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    // The redriven run ran with the context's redrive count, as on AWS, and claimed the job with it.
    expect(await runtime.store.getJob('stopped-job')).toMatchObject({
      status: 'COMPLETED',
      executionRedriveCount: 1,
    });
    expect(await runtime.store.loadDocument('stopped-job')).toBe(targetDocument(job));
    expect(announced()).toEqual([
      ['FAILED', 'ExecutionAbortedError'],
      ['COMPLETED', undefined],
    ]);
  });

  it('refuses unknown executions and invalid names with the service errors', async () => {
    await expect(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: `${LOCAL_STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:no-such-job`,
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    const invalid = sfn.send(
      new StartExecutionCommand({ stateMachineArn: LOCAL_STATE_MACHINE_ARN, name: 'has space', input: '{}' }),
    );
    await expect(invalid).rejects.toBeInstanceOf(InvalidName);
    await expect(invalid).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    // The limit is 256 KiB of UTF-8: 100,000 three-byte characters are over it in 100,000 code units.
    const oversized = JSON.stringify({ prompt: '€'.repeat(100_000) });
    await expect(
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn: LOCAL_STATE_MACHINE_ARN,
          name: 'big',
          input: oversized,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
  });

  it('describes its state machine with the definition it runs, and refuses other ARNs', async () => {
    const described = await sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: LOCAL_STATE_MACHINE_ARN }),
    );
    expect(described).toMatchObject({
      stateMachineArn: LOCAL_STATE_MACHINE_ARN,
      name: 'longform',
      status: 'ACTIVE',
      type: 'STANDARD',
      definition: runtime.definitionJson,
    });
    expect(JSON.parse(described.definition as string).States).toHaveProperty([runtime.roundStateName]);
    expect(described.roleArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(described.creationDate).toBeInstanceOf(Date);
    await expect(
      sfn.send(
        new DescribeStateMachineCommand({
          stateMachineArn: LOCAL_STATE_MACHINE_ARN.replace(/longform$/, 'other'),
        }),
      ),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(
      sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'longform' })),
    ).rejects.toBeInstanceOf(InvalidArn);
  });

  it('redrives a failed execution under its ARN, appending to its history, until the document is exact', async () => {
    const job = { prompt: 'Redriven [emulator:tokens=500]', maxTokensPerRound: 100 };
    // Round 2 times out on every attempt (more than any retry policy allows) until the model is well again.
    runtime.emulator?.setFaults({ plan: (index) => (index >= 1 ? 'modelTimeout' : undefined) });
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: LOCAL_STATE_MACHINE_ARN,
        name: 'redriven-job',
        input: JSON.stringify(job),
      }),
    );
    const failed = await untilDone(executionArn as string);
    expect(failed).toMatchObject({ status: 'FAILED', redriveCount: 0 });
    expect(failed.error).toMatch(/^Bedrock\w+Error$/);
    expect(failed).toMatchObject({ redriveStatus: 'REDRIVABLE' });
    runtime.emulator?.setFaults(undefined);

    const token = 'redrive-once';
    const redriven = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: token }));
    expect(redriven.redriveDate).toBeInstanceOf(Date);
    // The same client token is the same redrive; another one finds it running.
    const repeated = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: token }));
    expect(repeated.redriveDate).toEqual(redriven.redriveDate);
    await expect(sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({
      name: 'ExecutionNotRedrivable',
      message: 'Execution is RUNNING and cannot be redriven',
    });

    const done = await untilDone(executionArn as string);
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, redriveDate: redriven.redriveDate });
    expect(done.error).toBeUndefined();
    expect(await runtime.store.loadDocument('redriven-job')).toBe(targetDocument(job));
    await expect(sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toBeInstanceOf(
      ExecutionNotRedrivable,
    );

    const events = await allEvents(executionArn as string, {});
    expect(events.map((event) => [event.id, event.previousEventId])).toEqual(
      events.map((_, index) => [index + 1, index]),
    );
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === 'ExecutionStarted')).toHaveLength(1);
    expect(types.indexOf('ExecutionFailed')).toBeLessThan(types.indexOf('ExecutionRedriven'));
    expect(events.find((event) => event.type === 'ExecutionRedriven')).toMatchObject({
      executionRedrivenEventDetails: { redriveCount: 1 },
    });
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    // Each failed attempt of round 2 is there with its error's name: retried, then the last one.
    const failures = events.filter((event) => event.type === 'LambdaFunctionFailed');
    expect(failures.length).toBeGreaterThan(1);
    expect(failures.map((event) => event.lambdaFunctionFailedEventDetails?.error)).toEqual(
      failures.map(() => failed.error),
    );
    // Every round's Task exits once, in order, with its round in the output.
    const rounds = roundOutputs(events).map((output) => output.round);
    expect(rounds).toEqual(rounds.map((_, index) => index + 1));
    expect(rounds.length).toBe(JSON.parse(done.output as string).rounds);

    // Pages of 7, newest first, hold the same events.
    const reversed = await allEvents(executionArn as string, { maxResults: 7, reverseOrder: true });
    expect(reversed.map((event) => event.id)).toEqual(events.map((event) => event.id).reverse());
  });

  it('refuses to redrive a succeeded execution', async () => {
    const executionArn = `${LOCAL_STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:served-job`;
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({
      status: 'SUCCEEDED',
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
    });
    const refused = sfn.send(new RedriveExecutionCommand({ executionArn }));
    await expect(refused).rejects.toBeInstanceOf(ExecutionNotRedrivable);
    await expect(refused).rejects.toMatchObject({
      message: 'Execution is SUCCEEDED and cannot be redriven',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('starts and describes an execution through the AWS CLI', async () => {
    const input = JSON.stringify({ prompt: 'From the AWS CLI [emulator:tokens=200]' });
    const aws = async (...args: string[]) => {
      const { stdout } = await promisify(execFile)(
        'aws',
        ['stepfunctions', ...args, '--endpoint-url', server.url],
        {
          env: {
            PATH: process.env.PATH,
            HOME: tmpdir(),
            AWS_ACCESS_KEY_ID: 'local',
            AWS_SECRET_ACCESS_KEY: 'local',
            AWS_DEFAULT_REGION: 'us-east-1',
            AWS_CONFIG_FILE: '/dev/null',
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          },
        },
      );
      return JSON.parse(stdout) as Record<string, unknown>;
    };
    const started = await aws(
      'start-execution',
      '--state-machine-arn',
      LOCAL_STATE_MACHINE_ARN,
      '--name',
      'from-aws-cli',
      '--input',
      input,
    );
    expect(started.executionArn).toMatch(/:execution:longform:from-aws-cli$/);
    await untilDone(started.executionArn as string);
    const described = await aws('describe-execution', '--execution-arn', started.executionArn as string);
    expect(described).toMatchObject({ status: 'SUCCEEDED', name: 'from-aws-cli', input });
  });
});

/** Every history event, page by page. */
async function allEvents(
  executionArn: string,
  options: { maxResults?: number; reverseOrder?: boolean },
): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, ...options, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** The outputs of the round Task's exits, in order. */
function roundOutputs(events: HistoryEvent[]): { round: number }[] {
  return events
    .filter(
      (event) =>
        event.type === 'TaskStateExited' && event.stateExitedEventDetails?.name === runtime?.roundStateName,
    )
    .map((event) => JSON.parse(event.stateExitedEventDetails?.output as string));
}
