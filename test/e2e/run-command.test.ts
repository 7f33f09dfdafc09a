import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_EMULATOR_DOCUMENT_TOKENS } from '../../cli/commands/run';
import { targetDocument } from '../../local/bedrock-emulator';
import { runCli as longform } from '../../scenarios/cli-process';

describe('longform run', () => {
  it('writes the multi-round document to --out exactly, with progress on stderr', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'longform-')), 'doc.md');
    const prompt = 'A CLI document with spaces, 長文 and 👩‍💻';
    const result = await longform(['run', prompt, '--max-tokens-per-round', '700', '--out', out]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('');
    expect(readFileSync(out)).toEqual(
      Buffer.from(targetDocument({ prompt, defaultTokens: CLI_EMULATOR_DOCUMENT_TOKENS }), 'utf8'),
    );
    const roundLines = result.stderr.split('\n').filter((line) => /^longform: round \d+: /.test(line));
    expect(roundLines.length).toBeGreaterThan(5);
    expect(roundLines.at(-1)).toMatch(/end_turn/);
  });

  it('prints the document on stdout, or one JSON summary with --json', async () => {
    const prompt = 'Summary please [emulator:tokens=600]';
    const plain = await longform(['run', prompt, '--max-tokens-per-round', '200', '--api', 'invoke']);
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toBe(targetDocument({ prompt }));

    const json = await longform([
      'run',
      prompt,
      '--max-tokens-per-round',
      '200',
      '--json',
      '--job-id',
      'cli-json',
    ]);
    expect(json.exitCode).toBe(0);
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

  it('refuses bad input with one line naming the field, a non-zero exit and no stack trace', async () => {
    const result = await longform(['run', 'x', '--max-rounds', '0']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^longform: starting job job-\S+, in memory/);
    expect(lines[1]).toMatch(/FAILED \(InvalidInputError: --max-rounds must be/);
  });

  it('reports a usage error with exit code 2', async () => {
    const result = await longform(['run', 'x', '--max-rounds', 'many']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')[0]).toBe(
      "longform: option '--max-rounds <n>' argument 'many' is invalid. it must be a whole number such as 1000.",
    );
  });

  it('accepts --max-rounds 1000', async () => {
    const result = await longform(['run', 'Short [emulator:tokens=120]', '--max-rounds', '1000', '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).status).toBe('COMPLETED');
  });
});
