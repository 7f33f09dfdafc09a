import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startBedrockEmulator, targetDocument } from '../../local/bedrock-emulator';
import { localBedrockEnvironment } from '../../scenarios/bedrock-endpoint';
import { runCli as longform, startCli } from '../../scenarios/cli-process';

const STACK_TRACE = /^\s+at /m;

describe('longform run and resume keep a paid job safe', () => {
  let emulator: RunningEmulator;
  let env: Record<string, string>;
  const scratch = mkdtempSync(join(tmpdir(), 'longform-safety-'));
  const dataDir = join(scratch, 'data');
  beforeAll(async () => {
    emulator = await startBedrockEmulator({ faults: { latencyPerTokenMs: 0.5 } });
    env = localBedrockEnvironment(emulator.url);
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('names the job first, ends with a summary, and refuses its id for another prompt', async () => {
    const prompt = 'Counting 0 [emulator:tokens=400]';
    const first = await longform(['run', prompt, '--job-id', 'taken', '--data-dir', dataDir], env);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toBe(targetDocument({ prompt }));
    const lines = first.stderr.trim().split('\n');
    expect(lines[0]).toBe(`longform: starting job taken, data in ${dataDir}`);
    // Characters are counted as the job record counts them (UTF-16 units); the document holds characters
    // outside the BMP, so the closing line agrees with status and watch.
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^longform: job taken COMPLETED: \\d+ rounds, \\d+ input .* output tokens, [^,]+, ${first.stdout.length} characters, \\d+\\.\\d s; document on stdout$`,
      ),
    );

    const reused = await longform(
      ['run', 'Another prompt', '--job-id', 'taken', '--data-dir', dataDir, '--json'],
      env,
    );
    expect(reused.exitCode).toBe(1);
    expect(JSON.parse(reused.stdout)).toMatchObject({ status: 'FAILED', error: 'InvalidInputError' });
    expect(reused.stdout).not.toContain(first.stdout.slice(0, 200));
    expect(reused.stderr).toMatch(/longform: InvalidInputError \(--job-id\): Job taken already exists/);
  });

  it('resumes on the Bedrock the job ran against, and goes past its round limit without paying again', async () => {
    const prompt = 'A logbook that runs long [emulator:tokens=900]';
    const args = ['--data-dir', dataDir];
    const capped = await longform(
      ['run', prompt, '--job-id', 'capped', '--max-tokens-per-round', '100', '--max-rounds', '2', ...args],
      env,
    );
    expect(capped.exitCode).toBe(1);
    expect(capped.stderr).toMatch(/job capped MAX_ROUNDS_REACHED/);
    expect(capped.stderr).toContain(`longform resume capped --data-dir ${dataDir} --max-rounds N`);

    // The job ran against this endpoint: the emulator a resume would start is another Bedrock.
    const elsewhere = await longform(['resume', 'capped', '--max-rounds', '50', ...args]);
    expect(elsewhere.exitCode).toBe(1);
    expect(elsewhere.stderr).toContain(
      `BedrockMismatchError: job capped ran against Bedrock ${emulator.url}`,
    );

    const extended = await longform(['resume', 'capped', '--max-rounds', '50', ...args], env);
    expect(extended.exitCode).toBe(0);
    expect(extended.stdout).toBe(targetDocument({ prompt }));
    const rounds = extended.stderr.match(/^longform: round \d+/gm) ?? [];
    expect(rounds[0]).toBe('longform: round 3');

    const again = await longform(['resume', 'capped', '--max-rounds', '60', ...args], env);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/--max-rounds can only raise the limit of a job that stopped at it/);
  });

  it('refuses a directory that is not a data directory, and a mistyped one, writing nothing', async () => {
    const foreign = join(scratch, 'photos');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'holiday.jpg'), 'not a database');
    const status = await longform(['status', 'taken', '--data-dir', foreign]);
    expect(status.exitCode).toBe(1);
    expect(status.stderr).toMatch(/is not a Longform data directory/);
    expect(readdirSync(foreign)).toEqual(['holiday.jpg']);

    const typo = join(scratch, 'dtaa');
    const resume = await longform(['resume', 'taken', '--data-dir', typo]);
    expect(resume.exitCode).toBe(1);
    expect(resume.stderr).toMatch(/no Longform data in/);
    expect(existsSync(typo)).toBe(false);
  });

  it('prints a generated id, says how to resume after Ctrl-C, and a reader meanwhile gets one line', async () => {
    const busy = join(scratch, 'busy');
    const prompt = 'A storm log to interrupt [emulator:tokens=1500]';
    const run = startCli(['run', prompt, '--max-tokens-per-round', '100', '--data-dir', busy], env);
    expect(await run.waitForStderr(/longform: round \d+:/, 2)).toBe(true);

    const reader = await longform(['status', 'anything', '--data-dir', busy]);
    expect(reader.exitCode).toBe(1);
    expect(reader.stderr.trim()).toMatch(/^longform: DataDirectoryInUseError: .* is in use by process \d+/);
    expect(reader.stderr).not.toMatch(STACK_TRACE);

    run.signal('SIGINT');
    const stopped = await run.result;
    expect(stopped.exitCode).toBe(130);
    const id = /^longform: starting job (\S+), data in /.exec(stopped.stderr)?.[1] as string;
    expect(id).toMatch(/^job-/);
    expect(stopped.stderr).toContain(
      `SIGINT: job ${id} stopped; continue it with: longform resume ${id} --data-dir ${busy}`,
    );

    const status = await longform(['status', id, '--data-dir', busy]);
    expect(status.stdout).toMatch(new RegExp(`^${id}: INTERRUPTED\\n  no process runs it; continue it with`));

    const resumed = await longform(['resume', id, '--data-dir', busy], env);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toBe(targetDocument({ prompt }));
  });
});
