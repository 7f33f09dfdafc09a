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
