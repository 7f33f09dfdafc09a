import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/local-dynamodb';
import { LOCAL_STATE_MACHINE_ARN } from '../../local/step-functions-server';
import { startCli } from '../../scenarios/cli-process';

describe('longform serve', () => {
  it('names its endpoints on the first line, runs jobs started with the SDK, and ends on SIGTERM', async () => {
    const serve = startCli(['serve']);
    let ended = false;
    // Also when the test times out, which skips a finally block: no server outlives it.
    onTestFinished(() => {
      if (!ended) serve.kill();
    });
    // Listening before anything is printed: the line comes before the stderr one.
    const firstLine = new Promise<string>((resolve) => {
      let seen = '';
      serve.child.stdout?.on('data', (text: string) => {
        seen += text;
        if (seen.includes('\n')) resolve(seen.split('\n')[0] as string);
      });
    });
    expect(await serve.waitForStderr(/Ctrl-C stops/, 1)).toBe(true);
    const endpoints = Object.fromEntries((await firstLine).split(' ').map((pair) => pair.split('=')));
    expect(Object.keys(endpoints)).toEqual([
      'AWS_ENDPOINT_URL_SFN',
      'AWS_ENDPOINT_URL_DYNAMODB',
      'AWS_ENDPOINT_URL_BEDROCK_RUNTIME',
    ]);
    const sfn = new SFNClient({
      endpoint: endpoints.AWS_ENDPOINT_URL_SFN,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: LOCAL_STATE_MACHINE_ARN,
          name: 'served-by-cli',
          input: JSON.stringify({ prompt: 'Over the wire [emulator:tokens=300]' }),
        }),
      );
      let status: string | undefined;
      do {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
      } while (status === 'RUNNING');
      expect(status).toBe('SUCCEEDED');
    } finally {
      sfn.destroy();
    }
    serve.signal('SIGTERM');
    const result = await serve.result;
    ended = true;
    expect(result).toMatchObject({ exitCode: 0 });
  });
});
