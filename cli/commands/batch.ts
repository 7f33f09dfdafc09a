import { readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { MAX_JOB_ID_LENGTH } from '../../functions/core/job-reference';
import type { BatchProgress, BatchSummary } from '../../local/batch-runtime';
import { CliUsageError } from '../cli-usage-error';
import { writeDocument, writeStdout } from '../document-output';
import { CLI_EMULATOR_DOCUMENT_TOKENS } from './run';

/** Options of `longform batch`. */
export interface BatchFlags {
  concurrency?: number;
  dataDir?: string;
  outDir?: string;
}

/** Jobs at once offline when `--concurrency` is not given. */
export const DEFAULT_BATCH_CONCURRENCY = 4;
/** The batch workflow's tolerated failure percentage offline (the construct's default). */
const TOLERATED_FAILURE_PERCENTAGE = 10;
/** Room left in an execution name for `-<line index>` after the batch's name. */
const LINE_INDEX_ROOM = 8;

/** Reads the manifest as UTF-8 text, refusing what cannot be one. */
function readManifest(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new CliUsageError(`${file}: cannot read the manifest (${(error as NodeJS.ErrnoException).code})`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliUsageError(`${file} is not UTF-8 text: a manifest holds one JSON job input per line`);
  }
}

/**
 * The batch execution's name, from the manifest's file name (`catalogue.jsonl` → `catalogue`): a line
 * without a `jobId` becomes job `<name>-<line index>`, so a second run of the same file finds its jobs.
 */
export function batchName(file: string): string {
  const stem = basename(file, extname(file)).replace(/[^A-Za-z0-9_-]+/g, '-');
  return (stem || 'batch').slice(0, MAX_JOB_ID_LENGTH - LINE_INDEX_ROOM);
}

/** The live summary line: done / running / failed, tokens. */
function progressLine(name: string, progress: BatchProgress): string {
  return `longform: batch ${name}: ${progress.completed + progress.failed}/${progress.total} done, ${progress.running} running, ${progress.failed} failed, ${progress.tokens.toLocaleString('en-US')} tokens`;
}

/**
 * `longform batch FILE.jsonl`: runs every line of the manifest as a job on the offline batch workflow
 * (README, "Batch"), `--concurrency` at once, with a live summary line on stderr. The summary (per line:
 * job id, status, rounds, tokens, document or the reason it failed) goes to `--out-dir`/summary.json with
 * each completed document as `<jobId>.md`, or to stdout. A second run over the same `--data-dir` continues
 * what did not complete; completed jobs are not asked for again. Returns 0 only when every line completed.
 * @throws CliUsageError for a manifest that cannot be read, is empty, or an `--out-dir` that is a file.
 */
export async function batchCommand(file: string, flags: BatchFlags): Promise<number> {
  const concurrency = flags.concurrency ?? DEFAULT_BATCH_CONCURRENCY;
  if (concurrency < 1) throw new CliUsageError('--concurrency must be at least 1');
  const text = readManifest(file);
  if (text.trim() === '') throw new CliUsageError(`${file} has no lines: give one JSON job input per line`);
  if (flags.outDir !== undefined) {
    if (statSync(flags.outDir, { throwIfNoEntry: false })?.isDirectory() === false) {
      throw new CliUsageError(`--out-dir ${flags.outDir} is a file, not a directory`);
    }
    await mkdir(flags.outDir, { recursive: true });
  }
  const name = batchName(file);
  const [{ OfflineRuntime }, { runBatch }, { manifestItems }] = await Promise.all([
    import('../../local/offline-runtime'),
    import('../../local/batch-runtime'),
    import('../../local/batch-manifest'),
  ]);
  const items = manifestItems(text);
  process.stderr.write(
    `longform: batch ${name}: ${items.length} lines, ${concurrency} at once${flags.dataDir ? `, data in ${flags.dataDir}` : ''}\n`,
  );
  const started = performance.now();
  const runtime = await OfflineRuntime.start({
    emulator: { documentTokens: CLI_EMULATOR_DOCUMENT_TOKENS },
    ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
  });
  let summary: BatchSummary;
  try {
    const live = process.stderr.isTTY;
    let ended = -1;
    summary = await runBatch(runtime, items, {
      name,
      maxConcurrency: concurrency,
      toleratedFailurePercentage: TOLERATED_FAILURE_PERCENTAGE,
      onProgress: (progress) => {
        // On a terminal the line is redrawn in place; in a log, one line per item that ended.
        if (live) process.stderr.write(`\r\x1b[K${progressLine(name, progress)}`);
        else if (progress.completed + progress.failed !== ended) {
          ended = progress.completed + progress.failed;
          process.stderr.write(`${progressLine(name, progress)}\n`);
        }
      },
    });
    if (live) process.stderr.write('\n');
    await deliver(summary, runtime.store, flags.outDir);
  } finally {
    await runtime.stop();
  }
  const failures = summary.items.filter((item) => item.status !== 'COMPLETED');
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(
    `longform: batch ${name}: ${summary.completed} of ${summary.total} completed, ${summary.failed} failed, ${seconds} s` +
      `${flags.outDir ? `; summary in ${join(flags.outDir, 'summary.json')}` : ''}\n` +
      failures
        .slice(0, 10)
        .map((item) => `  line ${item.index + 1} (${item.jobId}): ${item.status} ${item.error ?? ''}\n`)
        .join(''),
  );
  return failures.length === 0 ? 0 : 1;
}

/** Writes each completed document to the out dir (streamed from the store) and the summary, or the summary to stdout. */
async function deliver(
  summary: BatchSummary,
  store: import('../../functions/adapters/job-store').JobStore,
  outDir: string | undefined,
): Promise<void> {
  if (outDir === undefined) {
    await writeStdout(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const items = [];
  for (const item of summary.items) {
    if (item.status !== 'COMPLETED') {
      items.push(item);
      continue;
    }
    const document = join(outDir, `${item.jobId}.md`);
    await writeDocument(store.streamDocument(item.jobId), document);
    items.push({ ...item, document });
  }
  await writeFile(join(outDir, 'summary.json'), `${JSON.stringify({ ...summary, items }, null, 2)}\n`);
}
