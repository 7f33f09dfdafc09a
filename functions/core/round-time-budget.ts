import { isHighSurrogate } from './utf8';

/**
 * How long a streamed round may read its stream, and what it keeps when the stream ends early
 * (docs/architecture.md, "Time-boxed rounds").
 */

/** Kept back from the Lambda deadline to commit the round and advance the job: 20 s on AWS. */
const MAX_WRITE_RESERVE_MS = 20_000;
/** A short round timeout (offline, `--round-timeout 3`) keeps a quarter of its time for the writes. */
const WRITE_RESERVE_SHARE = 0.25;
/**
 * A stream that fails mid-way keeps its text only after it ran this share of its budget: earlier, a
 * retry of the whole round loses little; later, it would throw away most of a 15-minute round.
 */
export const KEEP_FAILED_STREAM_SHARE = 0.5;

/** A round's time budget, in milliseconds from the start of its Bedrock call. */
export interface RoundTimeBudget {
  /** When the round stops reading and commits what arrived, stop reason `time_budget`. */
  cutAfterMs: number;
  /** A stream that fails after this long keeps what arrived, like a round cut at `cutAfterMs`. */
  keepFailedAfterMs: number;
}

/** The budget of a round whose function has `remainingMs` left before its deadline. */
export function roundTimeBudget(remainingMs: number): RoundTimeBudget {
  const reserve = Math.min(MAX_WRITE_RESERVE_MS, remainingMs * WRITE_RESERVE_SHARE);
  const cutAfterMs = Math.max(0, Math.floor(remainingMs - reserve));
  return { cutAfterMs, keepFailedAfterMs: Math.floor(cutAfterMs * KEEP_FAILED_STREAM_SHARE) };
}

/**
 * Whether a stream that failed after `elapsedMs`, having delivered `text`, is committed as a
 * `time_budget` round instead of being retried whole. Only text that moves the document is worth it.
 */
export function keepsFailedStream(budget: RoundTimeBudget, elapsedMs: number, text: string): boolean {
  return elapsedMs >= budget.keepFailedAfterMs && text.trim() !== '';
}

/**
 * `text` without a trailing lone high surrogate, so a cut never ends inside a surrogate pair (the next
 * round writes the whole character). Stream deltas arrive as decoded strings, so a UTF-8 sequence is
 * never split: only a pair split across two deltas can be.
 */
export function cutAtCodePoint(text: string): string {
  return isHighSurrogate(text.charCodeAt(text.length - 1)) ? text.slice(0, -1) : text;
}
