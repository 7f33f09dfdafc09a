import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_EMULATOR_DOCUMENT_TOKENS } from '../../cli/commands/run';
import { targetDocument } from '../../local/bedrock-emulator';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');

/** Runs the CLI as a user would, in a child process with a clean view of the AWS variables. */
function longform(args: string[]) {
  const env = { ...process.env };
  for (const name of ['AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'AWS_ENDPOINT_URL_DYNAMODB', 'TABLE_NAME'])
    delete env[name];
  const result = spawnSync(TSX, ['cli/main.ts', ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('longform run', () => {
  it('writes the multi-round document to --out exactly, with progress on stderr', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'longform-')), 'doc.md');
    const prompt = 'A CLI document with spaces, 長文 and 👩‍💻';
    const result = longform(['run', prompt, '--max-tokens-per-round', '700', '--out', out]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(readFileSync(out)).toEqual(
      Buffer.from(targetDocument({ prompt, defaultTokens: CLI_EMULATOR_DOCUMENT_TOKENS }), 'utf8'),
    );
    const roundLines = result.stderr.split('\n').filter((line) => /^longform: round \d+: /.test(line));
    expect(roundLines.length).toBeGreaterThan(5);
    expect(roundLines.at(-1)).toMatch(/end_turn/);
  });

  it('prints the document on stdout, or one JSON summary with --json', () => {
    const prompt = 'Summary please [emulator:tokens=600]';
    const plain = longform(['run', prompt, '--max-tokens-per-round', '200', '--api', 'invoke']);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toBe(targetDocument({ prompt }));

    const json = longform(['run', prompt, '--max-tokens-per-round', '200', '--json', '--job-id', 'cli-json']);
    expect(json.status).toBe(0);
    const summary = JSON.parse(json.stdout);
    expect(summary).toMatchObject({
      jobId: 'cli-json',
      status: 'COMPLETED',
      stopReason: 'end_turn',
      strategy: 'prefill',
    });
    expect(summary.rounds).toBeGreaterThan(2);
    expect(summary.document).toBe(targetDocument({ prompt }));
    expect(summary.characters).toBe(summary.document.length);
    expect(summary.usage.outputTokens).toBeGreaterThan(500);
  });

  it('refuses bad input with one line naming the field, a non-zero exit and no stack trace', () => {
    const result = longform(['run', 'x', '--max-rounds', '0']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/FAILED \(InvalidInputError: .*maxRounds/);
  });

  it('reports a usage error with exit code 2', () => {
    const result = longform(['run', 'x', '--max-rounds', 'many']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('longform: --max-rounds must be a number (got "many")');
  });

  it('stops at --max-rounds 1000 bound checks and accepts 1000', () => {
    const result = longform(['run', 'Short [emulator:tokens=120]', '--max-rounds', '1000', '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).status).toBe('COMPLETED');
  });
});
