import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CliUsageError } from '../../../cli/cli-usage-error';
import { batchCommand, batchName } from '../../../cli/commands/batch';
import type { BatchItem, BatchSummary } from '../../../local/batch-runtime';
import { type RunningEmulator, startBedrockEmulator, targetDocument } from '../../../local/bedrock-emulator';
import { jobInput } from '../../../scenarios/job-variants';

// The command runs its own offline runtime; pointing it at this emulator lets the test see Bedrock's
// side: how many requests were in flight at once, and whether a second run asked for anything.
let emulator: RunningEmulator;
let dir: string;
const inputs = Array.from({ length: 5 }, (_, index) => jobInput('batch', index, 160, 100));
const lines = [
  JSON.stringify(inputs[0]),
  JSON.stringify({ ...inputs[1], jobId: 'named-job' }),
  JSON.stringify(inputs[2]),
  '{"prompt": "cut off',
  JSON.stringify(inputs[3]),
  JSON.stringify(inputs[4]),
];
const jobIds = ['catalogue-0', 'named-job', 'catalogue-2', 'catalogue-4', 'catalogue-5'];

beforeAll(async () => {
  // Paced (2 ms a token, 200 ms a round), so the rounds of two jobs overlap at Bedrock however loaded the machine.
  emulator = await startBedrockEmulator({ faults: { latencyPerTokenMs: 2 } });
  vi.stubEnv('AWS_ENDPOINT_URL_BEDROCK_RUNTIME', emulator.url);
  dir = mkdtempSync(join(tmpdir(), 'longform-batch-'));
  writeFileSync(join(dir, 'catalogue.jsonl'), `${lines.join('\n')}\n`);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

const summaryOf = (outDir: string) =>
  JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as Omit<BatchSummary, 'items'> & {
    items: (BatchItem & { document?: string })[];
  };

/** The catalogue, 2 at once, in one data directory, its summary and documents in `outDir`. */
const runCatalogue = (outDir: string) =>
  batchCommand(join(dir, 'catalogue.jsonl'), { concurrency: 2, dataDir: join(dir, 'data'), outDir });

describe('longform batch', () => {
  it('runs every line at most --concurrency at once; a bad line fails only its own item', async () => {
    const outDir = join(dir, 'out');
    expect(await runCatalogue(outDir)).toBe(1);
    expect(emulator.inFlight().max).toBe(2);
    const summary = summaryOf(outDir);
    expect(summary.items.map((item) => item.jobId)).toEqual([
      ...jobIds.slice(0, 3),
      'catalogue-3',
      ...jobIds.slice(3),
    ]);
    expect(summary.items[3]).toMatchObject({ status: 'FAILED', error: 'ManifestLineError' });
    expect(summary.items[3]?.cause).toMatch(/^line 4 is not JSON/);
    const completed = summary.items.filter((item) => item.status === 'COMPLETED');
    expect(completed.map((item) => item.jobId)).toEqual(jobIds);
    for (const [n, item] of completed.entries()) {
      expect(item.rounds).toBeGreaterThan(1);
      expect(item.usage?.outputTokens).toBeGreaterThan(0);
      expect(readFileSync(item.document as string, 'utf8')).toBe(targetDocument(inputs[n] as never));
    }
  });

  it('asks Bedrock for nothing again on a second run over the same data directory', async () => {
    const requests = emulator.stats().requests;
    const outDir = join(dir, 'again');
    expect(await runCatalogue(outDir)).toBe(1);
    expect(emulator.stats().requests).toBe(requests);
    expect(summaryOf(outDir).completed).toBe(5);
  });

  it("fails a line whose job id another line's input has taken with the child's error, giving it nothing of that job", async () => {
    const taken = [
      { ...inputs[0], jobId: 'taken-job' },
      { ...inputs[2], jobId: 'taken-job' },
      { ...inputs[3], jobId: 'short-job', maxRounds: 1 },
    ];
    writeFileSync(join(dir, 'taken.jsonl'), taken.map((line) => JSON.stringify(line)).join('\n'));
    const outDir = join(dir, 'taken-out');
    const written: string[] = [];
    const stderr = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((text) => written.push(String(text)) > 0);
    let exit: number;
    try {
      exit = await batchCommand(join(dir, 'taken.jsonl'), { concurrency: 1, outDir });
    } finally {
      stderr.mockRestore();
    }
    expect(exit).toBe(1);
    const summary = summaryOf(outDir);
    expect(summary).toMatchObject({ status: 'FAILED', completed: 1, failed: 2 });
    expect(summary.items[0]).toMatchObject({ status: 'COMPLETED', jobId: 'taken-job' });
    expect(readFileSync(summary.items[0]?.document as string, 'utf8')).toBe(
      targetDocument(inputs[0] as never),
    );
    expect(summary.items[1]).toEqual({
      index: 1,
      jobId: 'taken-job',
      status: 'FAILED',
      error: 'InvalidInputError',
      cause: 'Job taken-job already exists with a different input; start the new job under another job id',
    });
    // A child that ran its own job to an early end reports how that job ended.
    expect(summary.items[2]).toMatchObject({
      status: 'MAX_ROUNDS_REACHED',
      error: 'MaxRoundsReachedError',
      rounds: 1,
    });
    expect(summary.items[2]).not.toHaveProperty('document');
    expect(written.filter((text) => text.includes('3/3 done'))).toEqual([
      expect.stringContaining('0 running, 2 failed'),
    ]);
    expect(written.at(-1)).toMatch(/1 of 3 completed, 2 failed/);
  });

  it('completes a failed line on a second run over the same data directory, asking nothing for the others', async () => {
    // The account has not used its legacy models lately (Haiku 4.5 answers 404): the Haiku line fails.
    // Then access is back, on the same endpoint (the data directory binds each job to its Bedrock).
    const first = await startBedrockEmulator({ legacyInactive: true });
    const models = [jobInput('redrive', 0, 160, 100), jobInput('redrive', 2, 160, 100)];
    writeFileSync(join(dir, 'models.jsonl'), models.map((line) => JSON.stringify(line)).join('\n'));
    const run = (outDir: string) =>
      batchCommand(join(dir, 'models.jsonl'), {
        dataDir: join(dir, 'models-data'),
        outDir: join(dir, outDir),
      });
    vi.stubEnv('AWS_ENDPOINT_URL_BEDROCK_RUNTIME', first.url);
    try {
      expect(await run('models-1')).toBe(1);
      await first.close();
      expect(summaryOf(join(dir, 'models-1')).items).toMatchObject([
        { jobId: 'models-0', status: 'FAILED', error: 'BedrockModelNotFoundError', rounds: 0 },
        { jobId: 'models-1', status: 'COMPLETED' },
      ]);
      const again = await startBedrockEmulator({ port: first.port });
      try {
        expect(await run('models-2')).toBe(0);
        const { items } = summaryOf(join(dir, 'models-2'));
        expect(items.map((item) => item.status)).toEqual(['COMPLETED', 'COMPLETED']);
        for (const [n, item] of items.entries()) {
          expect(readFileSync(item.document as string, 'utf8')).toBe(targetDocument(models[n] as never));
        }
        // One request a round of the line that failed: the completed line asked for nothing.
        expect(items[0]?.rounds).toBeGreaterThan(1);
        expect(again.stats()).toEqual({ requests: items[0]?.rounds, byOutcome: { ok: items[0]?.rounds } });
      } finally {
        await again.close();
      }
    } finally {
      vi.stubEnv('AWS_ENDPOINT_URL_BEDROCK_RUNTIME', emulator.url);
    }
  });

  it('refuses a manifest it cannot read, or an empty one, as a usage error', async () => {
    await expect(batchCommand(join(dir, 'missing.jsonl'), {})).rejects.toThrow(
      new CliUsageError(`${join(dir, 'missing.jsonl')}: cannot read the manifest (ENOENT)`),
    );
    writeFileSync(join(dir, 'empty.jsonl'), '\n');
    await expect(batchCommand(join(dir, 'empty.jsonl'), {})).rejects.toThrow(/has no lines/);
  });

  it('names the batch after the manifest, within the execution-name rules', () => {
    expect(batchName('/a/catalogue.jsonl')).toBe('catalogue');
    expect(batchName('spring list (v2).jsonl')).toBe('spring-list-v2-');
    expect(batchName('x'.repeat(100)).length).toBe(72);
  });
});
