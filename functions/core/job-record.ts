import type { ContinuationStrategy, JobConfig } from './job-config';
import type { JobStatus } from './job-status';
import type { StopReason } from './stop-reason';

/**
 * Token counts of one round, or summed over a job's rounds. `inputTokens` is the input Bedrock did not
 * read from or write to its prompt cache (Converse's `inputTokens`, Anthropic's `input_tokens`); all input
 * is `inputTokens + cacheReadInputTokens + cacheWriteInputTokens`. The cache counts are absent on records
 * stored before prompt caching (read as 0, see {@link addUsage}).
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input read from the prompt cache (billed at a tenth of the input price). */
  cacheReadInputTokens?: number;
  /** Input written to the prompt cache (billed above the input price). */
  cacheWriteInputTokens?: number;
}

/** Usage with all four counts, zero. */
export const NO_USAGE: Required<Usage> = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadInputTokens: 0,
  cacheWriteInputTokens: 0,
};

/** The sum of two usages, each count present (an absent cache count is 0). */
export function addUsage(a: Usage, b: Usage): Required<Usage> {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadInputTokens: (a.cacheReadInputTokens ?? 0) + (b.cacheReadInputTokens ?? 0),
    cacheWriteInputTokens: (a.cacheWriteInputTokens ?? 0) + (b.cacheWriteInputTokens ?? 0),
  };
}

/** Why a job ended without completing: the error name the execution fails with, and a message. */
export interface JobFailure {
  name: string;
  message: string;
}

/** Where `Finalize job` delivered a finished document (docs/architecture.md, "Delivery and events"). */
export interface DeliveredDocument {
  /** `s3://BUCKET/KEY` on AWS, an absolute file path offline. */
  location: string;
  /** SHA-256 of the document's UTF-8 bytes, lowercase hex. */
  sha256: string;
  /** The document's length in UTF-8 bytes. */
  bytes: number;
}

/**
 * A job as its META item holds it: configuration, progress and status. A long configuration's text is
 * stored in part items next to META and joined into `config` by the job table (docs/architecture.md,
 * "Storage").
 */
export interface JobRecord {
  jobId: string;
  status: JobStatus;
  config: JobConfig;
  /** Strategy rounds use now; `auto` jobs switch from prefill to instruction at most once. */
  strategy: ContinuationStrategy;
  strategySwitchedAtRound?: number;
  /** The round the job runs next (1-based); rounds before it are stored. */
  nextRound: number;
  /** Length of the document through round `nextRound - 1`. */
  documentCharacters: number;
  noProgressRounds: number;
  usage: Usage;
  stopReason?: StopReason;
  failure?: JobFailure;
  /** The latest error the state machine is retrying (or gave up retrying); cleared when a round succeeds. */
  lastError?: JobFailure & { round: number; at: string };
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /**
   * The execution that ran the job most recently, when it is not the first (named by the job id): a
   * resume that could not redrive starts another, and its `Initialize job` stamps its name here.
   */
  executionName?: string;
  /**
   * How many times that execution had been redriven when it last ran the job (`$$.Execution.RedriveCount`;
   * absent is 0): the end of an earlier run of the same execution, arriving late, is not this run's end.
   */
  executionRedriveCount?: number;
  /** Where the finished document was delivered; written once per end of the job. */
  document?: DeliveredDocument;
  /**
   * The end (its `finishedAt`) whose delivery and announcement `Finalize job` completed: stamped once
   * per end, by the invocation that then counts it in the metrics.
   */
  announcedEnd?: string;
}

/** A new job, before its first round. */
export function newJobRecord(
  jobId: string,
  config: JobConfig,
  strategy: ContinuationStrategy,
  status: Extract<JobStatus, 'PENDING' | 'RUNNING'>,
  at: string,
): JobRecord {
  return {
    jobId,
    status,
    config,
    strategy,
    nextRound: 1,
    documentCharacters: 0,
    noProgressRounds: 0,
    usage: { ...NO_USAGE },
    createdAt: at,
    updatedAt: at,
  };
}
