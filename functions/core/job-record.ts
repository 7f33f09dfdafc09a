import type { ContinuationStrategy, JobConfig } from './job-config';
import type { JobStatus } from './job-status';
import type { StopReason } from './stop-reason';

/** Token counts summed over a job's rounds. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** Why a job ended without completing: the error name the execution fails with, and a message. */
export interface JobFailure {
  name: string;
  message: string;
}

/** A job as its META item holds it: configuration, progress and status. */
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
    usage: { inputTokens: 0, outputTokens: 0 },
    createdAt: at,
    updatedAt: at,
  };
}
