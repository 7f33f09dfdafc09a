import type { OfflineRuntime } from '../local/offline-runtime';
import { OutputWriteError, writeDocument, writeStdout } from './document-output';
import { closingLine, failureLine, type JobSummary, shouldWriteDocument, summarize } from './job-report';
import { ProgressReporter } from './progress-reporter';
import { inFlagTerms } from './run-options';

/** Where `run` and `resume` send their results. */
export interface JobOutputOptions {
  jobId: string;
  out?: string;
  json: boolean;
}

/** How a stopped job is continued, for the lines a person reads when it stops early. */
export function resumeHint(jobId: string, dataDir: string | undefined): string {
  return dataDir
    ? `continue it with: longform resume ${jobId} --data-dir ${dataDir}`
    : 'it was held in memory (no --data-dir), so it cannot be resumed';
}

/** The first line of `run` and `resume`, before anything slow: which job, and where it is kept. */
export function announceJob(verb: string, jobId: string, dataDir: string | undefined): void {
  process.stderr.write(
    `longform: ${verb} job ${jobId}, ${dataDir ? `data in ${dataDir}` : 'in memory (give --data-dir DIR to be able to resume it)'}\n`,
  );
}

/**
 * Runs `act` (a command's whole work); with `--json`, an error before any summary still prints one JSON
 * object on stdout, so a script never reads an empty stdout. The error goes on to the one stderr line.
 */
export async function withJsonFailure(jobId: string, json: boolean, act: () => Promise<number>) {
  try {
    return await act();
  } catch (error) {
    if (json) {
      const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
      await writeStdout(`${JSON.stringify({ jobId, status: 'FAILED', error: name, cause: message })}\n`);
    }
    throw error;
  }
}

/** Ctrl-C or SIGTERM: say how to continue the job, give the data directory up, and end. */
function onInterrupt(runtime: OfflineRuntime, jobId: string): () => void {
  const stop = (signal: NodeJS.Signals) => {
    process.stderr.write(
      `\nlongform: ${signal}: job ${jobId} stopped; ${resumeHint(jobId, runtime.dataDirectory?.path)}\n`,
    );
    runtime.dataDirectory?.release();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
}

/**
 * Runs one execution to its end with progress on stderr, then writes the document (to `--out`, exactly its
 * UTF-8 bytes, or to stdout), the summary and a closing line. Returns the process exit code: 0 only when
 * the job completed and its document was written.
 */
export async function executeJob(
  runtime: OfflineRuntime,
  executionName: string,
  executionInput: unknown,
  options: JobOutputOptions,
): Promise<number> {
  const started = Date.now();
  const progress = new ProgressReporter(
    {
      write: (text) => process.stderr.write(text),
      isTTY: process.stderr.isTTY === true,
      columns: process.stderr.columns,
    },
    runtime.roundStateName,
  );
  const stopListening = onInterrupt(runtime, options.jobId);
  const execution = runtime.startExecution(executionName, executionInput);
  for await (const event of execution.events) progress.report(event);
  const outcome = await execution.outcome;
  stopListening();
  progress.finish();

  const job = await runtime.store.getJob(options.jobId);
  const summary: JobSummary = summarize(options.jobId, job, outcome, Date.now() - started);
  let wentTo: string | undefined;
  let outFailed: OutputWriteError | undefined;
  if (shouldWriteDocument(job)) {
    if (options.json && !options.out) {
      summary.document = await runtime.store.loadDocument(options.jobId);
      summary.characters = summary.document.length;
      wentTo = 'in the JSON summary';
    } else {
      try {
        summary.characters = await writeDocument(runtime.store.streamDocument(options.jobId), options.out);
        if (options.out) summary.out = options.out;
        wentTo = options.out ? `written to ${options.out}` : 'on stdout';
      } catch (error) {
        if (!(error instanceof OutputWriteError)) throw error;
        outFailed = error;
        // Without a data directory the document exists nowhere else: stdout keeps it from being lost.
        if (!runtime.dataDirectory) {
          summary.characters = await writeDocument(runtime.store.streamDocument(options.jobId), undefined);
          wentTo = 'on stdout instead';
        }
      }
    }
  }
  if (options.json) await writeStdout(`${JSON.stringify(summary)}\n`);
  // Input refused before anything was stored has no rounds to sum up: the failure line says it all.
  if (job) process.stderr.write(`${inFlagTerms(closingLine(summary, wentTo))}\n`);
  if (outFailed) {
    const kept = runtime.dataDirectory
      ? `; it is kept: longform result ${options.jobId} --data-dir ${runtime.dataDirectory.path} --out FILE`
      : '';
    process.stderr.write(`longform: ${outFailed.name}: ${outFailed.message}${kept}\n`);
    return 1;
  }
  if (summary.status === 'COMPLETED') return 0;
  const dataDir = runtime.dataDirectory?.path;
  const hint =
    summary.status === 'FAILED' && job
      ? `; ${resumeHint(options.jobId, dataDir)}`
      : summary.status === 'MAX_ROUNDS_REACHED' && dataDir
        ? `; more rounds without paying again for these: longform resume ${options.jobId} --data-dir ${dataDir} --max-rounds N`
        : '';
  process.stderr.write(`${inFlagTerms(failureLine(summary))}${hint}\n`);
  return 1;
}
