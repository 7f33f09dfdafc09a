import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LongformClient } from '../../client/longform-client';
import { WORKFLOW_STEPS } from '../../infra/workflow-steps';
import { targetDocument } from '../../local/bedrock-emulator';
import { LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_TABLE_NAME } from '../../local/local-dynamodb';
import { LOCAL_STATE_MACHINE_ARN } from '../../local/step-functions-server';
import { type CliProcess, serveVariables, startCli } from '../../scenarios/cli-process';

/** Starts `longform serve ...args` and reads its first line of stdout as `NAME=value` pairs. */
async function serve(args: string[]): Promise<{ process: CliProcess; variables: Record<string, string> }> {
  const started = startCli(['serve', ...args]);
  let ended = false;
  void started.result.then(() => {
    ended = true;
  });
  // Also when the test times out, which skips a finally block: no server outlives it.
  onTestFinished(() => {
    if (!ended) started.kill();
  });
  return { process: started, variables: await serveVariables(started) };
}

const clientConfig = (endpoint: string | undefined) => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});

describe('longform serve', () => {
  it('names its endpoints, state machine and table on the first line, and continues a running execution after it was killed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'longform-serve-'));
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
    const first = await serve(['--data-dir', dataDir]);
    expect(Object.keys(first.variables)).toEqual([
      'AWS_ENDPOINT_URL_SFN',
      'AWS_ENDPOINT_URL_DYNAMODB',
      'AWS_ENDPOINT_URL_BEDROCK_RUNTIME',
      'LONGFORM_STATE_MACHINE_ARN',
      'LONGFORM_TABLE_NAME',
    ]);
    expect(first.variables).toMatchObject({
      LONGFORM_STATE_MACHINE_ARN: LOCAL_STATE_MACHINE_ARN,
      LONGFORM_TABLE_NAME: LOCAL_TABLE_NAME,
    });
    const job = { prompt: 'Killed mid-job [emulator:tokens=900]', maxTokensPerRound: 50 };
    const sfn = new SFNClient(clientConfig(first.variables.AWS_ENDPOINT_URL_SFN));
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: first.variables.LONGFORM_STATE_MACHINE_ARN,
        name: 'killed-serve-job',
        input: JSON.stringify(job),
      }),
    );
    // Killed (no chance to clean up) once two rounds are in.
    for (;;) {
      const { events = [] } = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
      );
      if (events.filter((event) => event.type === 'TaskStateExited').length >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    sfn.destroy();
    first.process.kill();
    await first.process.result;

    const second = await serve(['--data-dir', dataDir]);
    const client = new LongformClient({
      stateMachineArn: second.variables.LONGFORM_STATE_MACHINE_ARN as string,
      tableName: second.variables.LONGFORM_TABLE_NAME as string,
      sfn: clientConfig(second.variables.AWS_ENDPOINT_URL_SFN),
      dynamodb: clientConfig(second.variables.AWS_ENDPOINT_URL_DYNAMODB),
    });
    const sfnAgain = new SFNClient(clientConfig(second.variables.AWS_ENDPOINT_URL_SFN));
    try {
      let described: Awaited<ReturnType<typeof describeOnce>>;
      const describeOnce = () => sfnAgain.send(new DescribeExecutionCommand({ executionArn }));
      do {
        await new Promise((resolve) => setTimeout(resolve, 20));
        described = await describeOnce();
      } while (described.status === 'RUNNING');
      expect(described).toMatchObject({ status: 'SUCCEEDED', name: 'killed-serve-job' });
      // One history across both processes: the killed one's events, then the continuation's.
      const { events = [] } = await sfnAgain.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
      );
      expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
      expect(events.filter((event) => event.type === 'ExecutionStarted')).toHaveLength(1);
      const initializations = events.filter(
        (event) => event.stateEnteredEventDetails?.name === WORKFLOW_STEPS.initialize.stateName,
      );
      expect(initializations).toHaveLength(2);
      let document = '';
      for await (const part of client.result('killed-serve-job')) document += part;
      expect(document).toBe(targetDocument(job));
    } finally {
      client.destroy();
      sfnAgain.destroy();
    }
    second.process.signal('SIGTERM');
    expect(await second.process.result).toMatchObject({ exitCode: 0 });
  });
});
