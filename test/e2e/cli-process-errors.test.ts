import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { targetDocument } from '../../local/bedrock-emulator';
import { runCli as longform } from '../../scenarios/cli-process';

const STACK_TRACE = /^\s+at /m;
const PROMPT = 'Tide pools, briefly [emulator:tokens=300]';

describe('longform where people look for help', () => {
  it('prints each command’s own help, and names commands one can type', async () => {
    const [run, resume] = await Promise.all([longform(['run', '--help']), longform(['help', 'resume'])]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^Usage: longform run \[options\] \[PROMPT\.\.\.\]/);
    expect(run.stdout).toContain('--max-tokens-per-round <n>');
    expect(resume.exitCode).toBe(0);
    expect(resume.stdout).toContain('--max-rounds <n>');
    expect(resume.stdout).not.toContain('--prompt-file');
  });
});

describe('longform --out and the data directory fail early and in one line', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'longform-errors-'));

  it('checks --out before any round: a directory or a missing parent is a usage error', async () => {
    const [directory, missing] = await Promise.all([
      longform(['run', PROMPT, '--out', scratch]),
      longform(['run', PROMPT, '--out', join(scratch, 'no-such-dir', 'doc.md')]),
    ]);
    expect(directory.exitCode).toBe(2);
    expect(directory.stderr.trim()).toBe(`longform: --out ${scratch} is a directory; give a file path`);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(`the directory ${join(scratch, 'no-such-dir')} does not exist`);
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('a full disk at the end names the user’s path and the document is not lost', async () => {
    // Through a link, so a CLI that renames over its --out replaces the link, never the device itself.
    const out = join(scratch, 'on-a-full-disk.md');
    symlinkSync('/dev/full', out);
    const full = await longform(['run', PROMPT, '--out', out]);
    expect(full.exitCode).toBe(1);
    expect(full.stderr).toContain(`longform: OutputWriteError: could not write ${out} (ENOSPC)`);
    expect(full.stderr).not.toMatch(STACK_TRACE);
    expect(full.stdout).toBe(targetDocument({ prompt: PROMPT }));
  });

  it('a reader that goes away (run | head) ends the run quietly', async () => {
    const closed = await longform(['run', PROMPT], {}, { closeStdout: true });
    expect(closed.exitCode).toBe(0);
    expect(closed.stderr).not.toMatch(STACK_TRACE);
    expect(closed.stderr).not.toContain('EPIPE');
  });

  it('a data directory that is a file, or damaged, is one line naming it', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    const damaged = join(scratch, 'damaged');
    const made = await longform(['run', PROMPT, '--data-dir', damaged, '--job-id', 'kept']);
    expect(made.exitCode).toBe(0);
    writeFileSync(join(damaged, 'CURRENT'), 'MANIFEST-999999\n');
    const [asFile, asDamaged] = await Promise.all([
      longform(['run', PROMPT, '--data-dir', file]),
      longform(['status', 'kept', '--data-dir', damaged]),
    ]);
    expect(asFile.exitCode).toBe(1);
    expect(asFile.stderr).toContain(`DataDirectoryError: ${file} is a file, not a directory`);
    expect(asDamaged.exitCode).toBe(1);
    expect(asDamaged.stderr.trim()).toMatch(
      /^longform: DataDirectoryError: cannot open the jobs in .*damaged/,
    );
    for (const result of [asFile, asDamaged]) expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it('relative paths are where the user ran `npm run longform`, not the package root', async () => {
    const here = join(scratch, 'here');
    mkdirSync(here);
    writeFileSync(join(here, 'prompt.txt'), PROMPT);
    const run = await longform(
      ['run', '--prompt-file', 'prompt.txt', '--out', 'doc.md', '--data-dir', 'jobs'],
      {},
      { viaNpm: true, cwd: here },
    );
    expect(run.exitCode).toBe(0);
    expect(readFileSync(join(here, 'doc.md'), 'utf8')).toBe(targetDocument({ prompt: PROMPT }));
    expect(existsSync(join(here, 'jobs', 'longform-data.json'))).toBe(true);
  });
});

describe('longform --bedrock aws says at once what is missing', () => {
  // No region, credentials or metadata service: what a laptop without AWS setup has.
  const bare = {
    AWS_REGION: '',
    AWS_DEFAULT_REGION: '',
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  };

  it.each([
    ['no region', bare, /BedrockSetupError: no AWS region for --bedrock aws: set AWS_REGION/],
    ['no credentials', { ...bare, AWS_REGION: 'us-east-1' }, /BedrockSetupError: no AWS credentials/],
    [
      'no way to the endpoint',
      {
        ...bare,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'longformlocal',
        AWS_SECRET_ACCESS_KEY: 'longformlocal',
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: 'https://bedrock-runtime.example.invalid',
      },
      /BedrockSetupError: cannot reach Bedrock at bedrock-runtime\.example\.invalid \(ENOTFOUND\)/,
    ],
  ])('%s: exit 1, one line with the fix, and a JSON summary with --json', async (_, env, line) => {
    const result = await longform(['run', PROMPT, '--bedrock', 'aws', '--json'], env);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(line);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'FAILED', error: 'BedrockSetupError' });
  });
});
