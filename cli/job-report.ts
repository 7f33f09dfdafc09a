import type { JobRecord } from '../functions/adapters/job-store';
import { cachePolicy } from '../functions/core/cache-points';
import {
  estimatedCostUsd,
  type PriceTable,
  parsePriceTable,
  pricesFor,
  SHIPPED_PRICES,
} from '../functions/core/cost';
import { addUsage, NO_USAGE } from '../functions/core/job-record';

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
  /** Input (uncached), output, cache-read and cache-write tokens summed over the job's rounds. */
  usage: {
    inputTokens: number;
    outputTokens: number;
    cacheReadInputTokens: number;
    cacheWriteInputTokens: number;
  };
  /** Estimated Bedrock cost in USD from the price table; `null` for a model it does not list. */
  estimatedCostUsd: number | null;
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

/** A stored job as the CLI reads it: offline with its configuration, or from `LongformClient` without it. */
export type StoredJob = JobRecord | Omit<JobRecord, 'config'>;

/** How the job's execution ended (or that it runs): a local outcome, or a described execution. */
export interface ExecutionState {
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE. */
  status: string;
  error?: string;
  cause?: string;
}

/**
 * An execution's cause as a person reads it: a Lambda function's error arrives as the JSON Lambda reports
 * (`{"errorType","errorMessage",...}`), of which the message is what says why.
 */
export function readableCause(cause: string | undefined): string | undefined {
  if (!cause?.startsWith('{')) return cause;
  try {
    const { errorMessage } = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof errorMessage === 'string' ? errorMessage : cause;
  } catch {
    return cause;
  }
}

/** Execution statuses that end an execution without finishing its job. */
const EXECUTION_ENDED_EARLY = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/**
 * The status to report for a job from its stored status and its execution's: an execution that ended
 * early while its job was open (RUNNING or PENDING) gives its own (FAILED, TIMED_OUT, ABORTED); a job not
 * stored is PENDING while its execution runs, and otherwise ended that way or FAILED.
 */
export function outcomeStatus(jobStatus: string | undefined, executionStatus: string | undefined): string {
  const endedEarly = executionStatus !== undefined && EXECUTION_ENDED_EARLY.has(executionStatus);
  if (jobStatus === undefined) {
    if (executionStatus === 'RUNNING') return 'PENDING';
    return endedEarly ? executionStatus : 'FAILED';
  }
  return endedEarly && (jobStatus === 'RUNNING' || jobStatus === 'PENDING') ? executionStatus : jobStatus;
}

/**
 * Builds the summary from the stored job and, when known, its execution. The job may not exist (input
 * refused before anything was written, or not yet stored by a running execution). An execution that
 * ended early while its job was still running (retries ran out on a transient error, or it was stopped)
 * is reported with the execution's status: `resume` continues it. Without the job's configuration the
 * cost is unknown (`null`).
 */
export function summarize(
  jobId: string,
  job: StoredJob | undefined,
  execution?: ExecutionState,
  elapsedMs?: number,
  prices: PriceTable = cliPriceTable(),
): JobSummary {
  const status = outcomeStatus(job?.status, execution?.status);
  // A running job has no failure, but may carry the error its state machine is retrying.
  const recorded = job?.failure ?? (job?.status === 'RUNNING' ? job.lastError : undefined);
  const failure =
    execution && status !== job?.status && status !== 'PENDING'
      ? { name: execution.error, message: readableCause(execution.cause) }
      : recorded && { name: recorded.name, message: recorded.message };
  return {
    jobId,
    status,
    rounds: job ? job.nextRound - 1 : 0,
    stopReason: job?.stopReason ?? null,
    strategy: job?.strategy ?? null,
    usage: addUsage(NO_USAGE, job?.usage ?? NO_USAGE),
    estimatedCostUsd: job ? jobCost(job, prices) : 0,
    characters: job?.documentCharacters ?? 0,
    ...(elapsedMs !== undefined ? { elapsedMs } : {}),
    ...(failure?.name ? { error: failure.name } : {}),
    ...(failure?.message !== undefined ? { cause: failure.message } : {}),
  };
}

/**
 * The price table the CLI estimates costs with: the shipped one, with `LONGFORM_PRICES` (JSON, model id →
 * `{ "input", "output" }` USD per million tokens) on top.
 */
export function cliPriceTable(env: NodeJS.ProcessEnv = process.env): PriceTable {
  const json = env.LONGFORM_PRICES;
  return json === undefined ? SHIPPED_PRICES : parsePriceTable(json, 'LONGFORM_PRICES');
}

function jobCost(job: StoredJob, prices: PriceTable): number | null {
  if (!('config' in job)) return null;
  const modelPrices = pricesFor(job.config.modelId, prices);
  if (!modelPrices) return null;
  return estimatedCostUsd(job.usage, modelPrices, cachePolicy(job.config)?.ttl);
}

/** Usage and cost as a person reads them: the four token counts and the estimated USD. */
export function usageLine(summary: JobSummary): string {
  const { usage } = summary;
  const cost =
    summary.estimatedCostUsd === null ? 'cost unknown' : `about $${summary.estimatedCostUsd.toFixed(4)}`;
  return (
    `${usage.inputTokens} input (+${usage.cacheReadInputTokens} cache-read, ` +
    `${usage.cacheWriteInputTokens} cache-write) and ${usage.outputTokens} output tokens, ${cost}`
  );
}

/** The one line a person reads when a job did not complete: status, error name and the reason. */
export function failureLine(summary: Pick<JobSummary, 'jobId' | 'status' | 'error' | 'cause'>): string {
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
    `${usageLine(summary)}, ${summary.characters} characters, ${seconds} s` +
    (documentWentTo ? `; document ${documentWentTo}` : '; no document written')
  );
}
