import type { Usage } from '../functions/core/job-record';

export type { Usage } from '../functions/core/job-record';

/** A round the job committed, as its round item stores it (never its text). */
export interface RoundEvent {
  type: 'round';
  round: number;
  stopReason: string;
  outputTokens: number;
  usage: Usage;
  /**
   * How many characters the document grew by with this round (what the round's text added, less any
   * trailing white space of the text before it that the join trimmed), so the rounds' sum is the document.
   */
  roundCharacters: number;
  /** The document's length after the round. */
  documentCharacters: number;
}

/** A failed attempt of a step that the state machine retried (docs/architecture.md, Retries). */
export interface RetryEvent {
  type: 'retry';
  /** The round the attempt was generating; absent for `Initialize job` and `Finalize job`. */
  round?: number;
  /** The error's name, e.g. `BedrockThrottlingError`. */
  error: string;
  /** Which attempt of the step failed, from 1. */
  attempt: number;
}

/** The end of the job's last execution: always the last event `watch` yields. */
export interface FinishedEvent {
  type: 'finished';
  /** SUCCEEDED, FAILED, TIMED_OUT or ABORTED. */
  executionStatus: string;
  /** The stored job's status (COMPLETED, FAILED, ...); absent when no job was stored (input refused). */
  jobStatus?: string;
  rounds: number;
  documentCharacters: number;
  usage: Usage;
  error?: string;
  cause?: string;
}

/** What `LongformClient.watch` yields: every round once and in order, retries, then one `finished`. */
export type JobEvent = RoundEvent | RetryEvent | FinishedEvent;
