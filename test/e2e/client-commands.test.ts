import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetDocument } from '../../local/bedrock-emulator';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/local-dynamodb';
import { type CliProcess, runCli, startCli } from '../../scenarios/cli-process';

const STACK_TRACE = /^\s+at /m;

let serve: CliProcess;
/** What a user sets after `longform serve`: its first line, a region and any credentials. */
let env: Record<string, string>;
const longform = (args: string[], extra: Record<string, string> = {}) => runCli(args, { ...env, ...extra });

beforeAll(async () => {
  serve = startCli(['serve']);
  const firstLine = new Promise<string>((resolve) => {
    let seen = '';
    serve.child.stdout?.on('data', (text: string) => {
      seen += text;
      if (seen.includes('\n')) resolve(seen.split('\n')[0] as string);
    });
  });
  expect(await serve.waitForStderr(/Ctrl-C stops/, 1)).toBe(true);
  env = {
    ...Object.fromEntries((await firstLine).split(' ').map((pair) => pair.split('=') as [string, string])),
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
});

afterAll(async () => {
  serve?.kill();
  await serve?.result;
});

describe('the CLI against longform serve (LONGFORM_* and AWS_ENDPOINT_URL_* from its first line)', () => {
  it('starts a job, reports it and writes exactly its document, to stdout and atomically to --out', async () => {
    const prompt = 'Started from the terminal [emulator:tokens=300]';
    const start = await longform(['start', prompt, '--max-tokens-per-round', '100', '--job-id', 'cli-a']);
    expect(start).toMatchObject({ exitCode: 0, stdout: 'cli-a\n' });
    expect(start.stderr).toMatch(/^longform: started job cli-a \(execution arn:aws:states:[^)]+:cli-a\)/);

    let status = await longform(['status', 'cli-a', '--json']);
    while (JSON.parse(status.stdout).executionStatus === 'RUNNING')
      status = await longform(['status', 'cli-a', '--json']);
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      jobId: 'cli-a',
      status: 'COMPLETED',
      executionStatus: 'SUCCEEDED',
      stopReason: 'end_turn',
      estimatedCostUsd: null,
    });
    expect(status.stdout).not.toContain('Started from the terminal');

    const out = join(mkdtempSync(join(tmpdir(), 'longform-client-cli-')), 'doc.md');
    const [text, written, listed] = await Promise.all([
      longform(['result', 'cli-a']),
      longform(['result', 'cli-a', '--out', out]),
      longform(['list', '--status', 'SUCCEEDED', '--json']),
    ]);
    expect(text).toMatchObject({ exitCode: 0, stdout: targetDocument({ prompt }) });
    expect(written).toMatchObject({ exitCode: 0, stdout: '' });
    expect(readFileSync(out, 'utf8')).toBe(targetDocument({ prompt }));
    expect(JSON.parse(listed.stdout)).toContainEqual({ jobId: 'cli-a', executionStatus: 'SUCCEEDED' });
  });

  it('stops a running job, which keeps its rounds, and lists it as ABORTED', async () => {
    const prompt = 'A long one [emulator:tokens=40000]';
    const start = await longform([
      'start',
      prompt,
      '--max-tokens-per-round',
      '50',
      '--max-rounds',
      '1500',
      '--json',
    ]);
    expect(start.exitCode).toBe(0);
    const { jobId, executionArn } = JSON.parse(start.stdout);
    expect(executionArn).toMatch(new RegExp(`:${jobId}$`));

    const stop = await longform(['stop', jobId, '--json']);
    expect(stop.exitCode).toBe(0);
    expect(JSON.parse(stop.stdout)).toEqual({ jobId, stopped: true, executionStatus: 'ABORTED' });
    const [status, list, again] = await Promise.all([
      longform(['status', jobId]),
      longform(['list', '--limit', '1']),
      longform(['stop', jobId]),
    ]);
    expect(status.stdout).toMatch(new RegExp(`^${jobId}: ABORTED \\(execution ABORTED\\)\\n {2}rounds \\d+`));
    expect(list.stdout).toBe(`ABORTED         ${jobId}\n`);
    expect(again).toMatchObject({ exitCode: 0 });
    expect(again.stderr).toContain(`job ${jobId} is not running (execution ABORTED); nothing to stop`);
  });

  it('refuses a command line without a target, or with two, in one line and exit status 2', async () => {
    const noTarget = { LONGFORM_STATE_MACHINE_ARN: '', LONGFORM_TABLE_NAME: '' };
    const [missing, both, unknownStatus] = await Promise.all([
      longform(['start', 'x'], noTarget),
      longform(['status', 'cli-a', '--data-dir', tmpdir(), '--stack', 'Longform']),
      longform(['list', '--status', 'DONE']),
    ]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe(
      'longform: say where the jobs are: --stack NAME, or --state-machine-arn ARN --table NAME, or set LONGFORM_STATE_MACHINE_ARN and LONGFORM_TABLE_NAME (longform serve prints them)\n',
    );
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toMatch(/^longform: give either --data-dir DIR .* not both\n$/);
    expect(unknownStatus.exitCode).toBe(2);
    expect(unknownStatus.stderr).toMatch(/--status/);
    for (const run of [missing, both, unknownStatus]) expect(run.stderr).not.toMatch(STACK_TRACE);
  });
});
