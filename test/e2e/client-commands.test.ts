import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type RunningEmulator, startBedrockEmulator, targetDocument } from '../../local/bedrock-emulator';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/local-dynamodb';
import { localBedrockEnvironment } from '../../scenarios/bedrock-endpoint';
import { type CliProcess, runCli, serveVariables, startCli } from '../../scenarios/cli-process';

const STACK_TRACE = /^\s+at /m;

let emulator: RunningEmulator;
let serve: CliProcess;
/** What a user sets after `longform serve`: its first line, a region and any credentials. */
let env: Record<string, string>;
const longform = (args: string[], extra: Record<string, string> = {}) => runCli(args, { ...env, ...extra });

beforeAll(async () => {
  // serve's rounds call this emulator, paced like a model, so a long job leaves serve time to answer.
  emulator = await startBedrockEmulator({ faults: { latencyPerTokenMs: 3 } });
  serve = startCli(['serve'], localBedrockEnvironment(emulator.url));
  env = {
    ...(await serveVariables(serve)),
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
});

afterAll(async () => {
  serve?.kill();
  await serve?.result;
  await emulator?.close();
});

/**
 * The node process tsx runs the CLI in. A signal to the process group (Ctrl-C) reaches it through tsx,
 * which kills it when it has not answered within 30 ms, as a loaded machine may not: signal it directly.
 */
function nodeProcess(cli: CliProcess): number {
  const pid = cli.child.pid as number;
  return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]);
}

/** Resolves once the process has printed a line matching `pattern` on stdout. */
function stdoutLine(cli: CliProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    cli.child.stdout?.on('data', (text: string) => {
      seen += text;
      if (pattern.test(seen)) resolve();
    });
  });
}

describe.concurrent('the CLI against longform serve (LONGFORM_* and AWS_ENDPOINT_URL_* from its first line)', () => {
  it('starts and watches a job to its end in plain lines and JSON lines, then writes exactly its document', async ({
    expect,
  }) => {
    const prompt = 'Started from the terminal [emulator:tokens=300]';
    const document = targetDocument({ prompt });
    const start = await longform([
      'start',
      prompt,
      '--max-tokens-per-round',
      '100',
      '--job-id',
      'cli-a',
      '--watch',
    ]);
    expect(start.exitCode).toBe(0);
    expect(start.stderr).toMatch(/^longform: started job cli-a \(execution arn:aws:states:[^)]+:cli-a\)\n$/);
    const [jobId, ...lines] = start.stdout.trimEnd().split('\n');
    expect(jobId).toBe('cli-a');
    const finished = lines.pop();
    expect(lines.length).toBeGreaterThan(2);
    lines.forEach((line, index) => {
      expect(line).toMatch(
        new RegExp(
          `^round ${index + 1}: (max_tokens|end_turn), \\d+ in \\(\\d+ cached\\) / \\d+ out tokens, \\+\\d+ chars \\(\\d+ total\\)$`,
        ),
      );
    });
    expect(finished).toMatch(
      new RegExp(`^finished: COMPLETED \\(execution SUCCEEDED\\), ${lines.length} rounds, \\d+ chars, `),
    );

    const out = join(mkdtempSync(join(tmpdir(), 'longform-client-cli-')), 'doc.md');
    const [watch, written, status] = await Promise.all([
      longform(['watch', 'cli-a', '--json']),
      longform(['result', 'cli-a', '--out', out]),
      longform(['status', 'cli-a', '--json']),
    ]);
    const events = watch.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(watch.exitCode).toBe(0);
    expect(events.map((event) => event.round ?? event.type)).toEqual([
      ...lines.map((_, index) => index + 1),
      'finished',
    ]);
    expect(events.at(-1)).toMatchObject({
      executionStatus: 'SUCCEEDED',
      jobStatus: 'COMPLETED',
      rounds: lines.length,
    });
    expect(written).toMatchObject({ exitCode: 0, stdout: '' });
    expect(readFileSync(out, 'utf8')).toBe(document);
    expect(JSON.parse(status.stdout)).toMatchObject({
      jobId: 'cli-a',
      status: 'COMPLETED',
      executionStatus: 'SUCCEEDED',
      rounds: lines.length,
      estimatedCostUsd: null,
    });
    expect(status.stdout).not.toContain('Started from the terminal');
  });

  it('start --watch stops watching on Ctrl-C while the job goes on; stop ends it, resume redrives it', async ({
    expect,
  }) => {
    const prompt = 'A long one [emulator:tokens=20000]';
    const args = ['--max-tokens-per-round', '50', '--max-rounds', '1500', '--json', '--watch'];
    const watching = startCli(['start', prompt, ...args], env);
    await stdoutLine(watching, /^\{"type":"round","round":1,/m);
    process.kill(nodeProcess(watching), 'SIGINT');
    const watched = await watching.result;
    const { jobId, executionArn } = JSON.parse(watched.stdout.split('\n')[0] as string);
    expect(executionArn).toMatch(new RegExp(`:${jobId}$`));
    expect(watched.exitCode).toBe(130);
    expect(watched.stderr).toContain(`stopped watching job ${jobId}; it goes on`);

    const stop = await longform(['stop', jobId, '--json']);
    expect(stop.exitCode).toBe(0);
    expect(JSON.parse(stop.stdout)).toEqual({ jobId, stopped: true, executionStatus: 'ABORTED' });
    // serve marks the job once the round that was running has finished, as the stack's recorder does.
    let status = await longform(['status', jobId]);
    for (let tries = 1; status.stdout.startsWith(`${jobId}: ABORTED`) && tries < 20; tries++) {
      status = await longform(['status', jobId]);
    }
    const stopped = 'ExecutionAbortedError: The execution was stopped before the job ended';
    expect(status.stdout).toMatch(
      new RegExp(`^${jobId}: FAILED \\(${stopped}.*\\) \\(execution ABORTED\\)\\n {2}rounds \\d+`),
    );
    const [listed, ended] = await Promise.all([
      longform(['list', '--status', 'ABORTED']),
      longform(['watch', jobId]),
    ]);
    expect(listed.stdout).toContain(`ABORTED         ${jobId}\n`);
    expect(ended.exitCode).toBe(1);
    expect(ended.stdout).toMatch(/\nfinished: FAILED \(execution ABORTED\), \d+ rounds/);
    expect(ended.stderr).toMatch(new RegExp(`^longform: job ${jobId} FAILED\\b.*${stopped}`));

    const resume = await longform(['resume', jobId, '--json']);
    expect(resume.exitCode).toBe(0);
    expect(JSON.parse(resume.stdout)).toEqual({ jobId, executionArn, redriven: true });
    expect(resume.stderr).toContain(`job ${jobId}: redrove its execution ${executionArn}`);
  });

  it('refuses a command line without a target, or with two, in one line and exit status 2', async ({
    expect,
  }) => {
    const noTarget = { LONGFORM_STATE_MACHINE_ARN: '', LONGFORM_TABLE_NAME: '' };
    const [missing, both] = await Promise.all([
      longform(['start', 'x'], noTarget),
      longform(['status', 'cli-a', '--data-dir', tmpdir(), '--stack', 'Longform']),
    ]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe(
      'longform: say where the jobs are: --stack NAME, or --state-machine-arn ARN --table NAME, or set LONGFORM_STATE_MACHINE_ARN and LONGFORM_TABLE_NAME (longform serve prints them)\n',
    );
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toMatch(/^longform: give either --data-dir DIR .* not both\n$/);
    for (const run of [missing, both]) expect(run.stderr).not.toMatch(STACK_TRACE);
  });
});
