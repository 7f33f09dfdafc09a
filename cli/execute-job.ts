import type { OfflineRuntime } from '../local/offline-runtime';
import { writeDocument, writeStdout } from './document-output';
import { failureLine, type JobSummary, shouldWriteDocument, summarize } from './job-report';
import { ProgressReporter } from './progress-reporter';

/** Where `run` and `resume` send their results. */
export interface JobOutputOptions {
  jobId: string;
  out?: string;
  json: boolean;
}

/**
 * Runs one execution to its end with progress on stderr, then writes the document (to `--out`, exactly its
 * UTF-8 bytes, or to stdout) and the summary. Returns the process exit code: 0 only when the job completed.
 */
export async function executeJob(
  runtime: OfflineRuntime,
  executionName: string,
  executionInput: unknown,
  options: JobOutputOptions,
): Promise<number> {
  const started = Date.now();
  const progress = new ProgressReporter(
    { write: (text) => process.stderr.write(text), isTTY: process.stderr.isTTY === true },
    runtime.roundStateName,
  );
  const execution = runtime.startExecution(executionName, executionInput);
  for await (const event of execution.events) progress.report(event);
  const outcome = await execution.outcome;
  progress.finish();

  const job = await runtime.store.getJob(options.jobId);
  const summary: JobSummary = summarize(options.jobId, job, outcome, Date.now() - started);
  if (shouldWriteDocument(job)) {
    if (options.json && !options.out) {
      summary.document = await runtime.store.loadDocument(options.jobId);
    } else {
      await writeDocument(runtime.store, options.jobId, options.out);
      if (options.out) summary.out = options.out;
    }
  }
  if (options.json) await writeStdout(`${JSON.stringify(summary)}\n`);
  if (summary.status === 'COMPLETED') return 0;
  process.stderr.write(`${failureLine(summary)}\n`);
  return 1;
}
