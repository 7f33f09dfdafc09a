import type { JobRecord } from '../functions/adapters/job-store';
import type { ExecutionOutcome } from '../local/offline-runtime';

/**
 * Statuses whose text is kept and written out even though the job did not complete (docs/architecture.md,
 * Stop reasons).
 */
const TEXT_KEPT_STATUSES = new Set(['COMPLETED', 'CONTEXT_FULL', 'MAX_ROUNDS_REACHED']);

/** The `--json` summary of a job. */
export interface JobSummary {
  jobId: string;
  status: string;
  rounds: number;
  stopReason: string | null;
  strategy: string | null;
  usage: { inputTokens: number; outputTokens: number };
  characters: number;
  elapsedMs?: number;
  error?: string;
  cause?: string;
  out?: string;
  document?: string;
}

/** Whether the job's document should be written out. */
export function shouldWriteDocument(job: JobRecord | undefined): boolean {
  return job !== undefined && TEXT_KEPT_STATUSES.has(job.status);
}

/**
 * Builds the summary from the stored job and, after a run, the execution outcome. The job may not exist
 * (input refused before anything was written). An execution that failed while its job was still running
 * (retries ran out on a transient error) is reported FAILED: `resume` continues it.
 */
export function summarize(
  jobId: string,
  job: JobRecord | undefined,
  outcome?: ExecutionOutcome,
  elapsedMs?: number,
): JobSummary {
  const executionFailed = outcome?.status === 'FAILED';
  // A running job has no failure, but may carry the error its state machine is retrying.
  const recorded = job?.failure ?? (job?.status === 'RUNNING' ? job.lastError : undefined);
  const failure = executionFailed
    ? { name: outcome.error, message: outcome.cause }
    : recorded && { name: recorded.name, message: recorded.message };
  return {
    jobId,
    status: !job || (executionFailed && job.status === 'RUNNING') ? 'FAILED' : job.status,
    rounds: job ? job.nextRound - 1 : 0,
    stopReason: job?.stopReason ?? null,
    strategy: job?.strategy ?? null,
    usage: job?.usage ?? { inputTokens: 0, outputTokens: 0 },
    characters: job?.documentCharacters ?? 0,
    ...(elapsedMs !== undefined ? { elapsedMs } : {}),
    ...(failure?.name ? { error: failure.name } : {}),
    ...(failure?.message !== undefined ? { cause: failure.message } : {}),
  };
}

/** The one line a person reads when a job did not complete: status, error name and the reason. */
export function failureLine(summary: JobSummary): string {
  const reason = summary.error ? `${summary.error}: ${summary.cause ?? ''}`.trim() : 'no reason recorded';
  return `longform: job ${summary.jobId} ${summary.status} (${reason})`;
}

/**
 * The closing line of `run` and `resume`: status, rounds, tokens, characters, elapsed time, and where
 * the document went.
 */
export function closingLine(summary: JobSummary, documentWentTo: string | undefined): string {
  const seconds = ((summary.elapsedMs ?? 0) / 1000).toFixed(1);
  return (
    `longform: job ${summary.jobId} ${summary.status}: ${summary.rounds} rounds, ` +
    `${summary.usage.inputTokens} input and ${summary.usage.outputTokens} output tokens, ` +
    `${summary.characters} characters, ${seconds} s` +
    (documentWentTo ? `; document ${documentWentTo}` : '; no document written')
  );
}
