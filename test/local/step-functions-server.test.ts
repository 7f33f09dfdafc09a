import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidName,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
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

async function untilDone(executionArn: string) {
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return described;
    await new Promise((resolve) => setTimeout(resolve, 20));
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

  it('stops a running execution', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: LOCAL_STATE_MACHINE_ARN,
        name: 'stopped-job',
        input: JSON.stringify({ prompt: 'Long [emulator:tokens=4000]', maxTokensPerRound: 50 }),
      }),
    );
    const { stopDate } = await sfn.send(new StopExecutionCommand({ executionArn }));
    expect(stopDate).toBeInstanceOf(Date);
    expect(await untilDone(executionArn as string)).toMatchObject({ status: 'ABORTED' });
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
});
