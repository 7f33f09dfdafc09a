import {
  ContentBlockedError,
  ContextWindowFullError,
  type LongformError,
  MaxRoundsReachedError,
  NoProgressError,
  UnexpectedStopReasonError,
} from './errors';
import { MAX_ROUNDS_LIMIT } from './job-input';
import type { FinalJobStatus } from './job-status';
import type { StopReason } from './stop-reason';

/** Rounds in a row without visible text that end a job (thinking can eat the whole output budget). */
const NO_PROGRESS_LIMIT = 2;

/**
 * Reasons that cut a round short with more to write: the output budget ran out, or the round's time
 * budget did (docs/architecture.md, "Time-boxed rounds"); both continue alike.
 */
const CONTINUING_REASONS: ReadonlySet<string> = new Set(['max_tokens', 'time_budget']);

const BLOCKING_REASONS: ReadonlySet<string> = new Set([
  'refusal',
  'guardrail_intervened',
  'content_filtered',
]);

/** Both APIs' stop reasons in one vocabulary; a missing one becomes `'unknown'`, others are kept verbatim. */
export function normalizeStopReason(raw: string | null | undefined): StopReason {
  const reason = raw?.trim();
  return reason ? reason : 'unknown';
}

/** What one round produced, as far as the stop-reason policy cares. */
export interface RoundOutcomeInput {
  stopReason: StopReason;
  /** The join found a stop sequence across the seam and ended the document there. */
  stoppedAtSequence: boolean;
  /** Characters the round added to the document (0 or less: nothing visible). */
  visibleCharacters: number;
  /**
   * False for an instruction reply the join could not place (it did not hold the quoted tail): such a
   * reply does not end the document even if the model said it was done; the round is asked again.
   */
  replyPlaced: boolean;
  /** The round just done, from 1. */
  round: number;
  maxRounds: number;
  /** Consecutive rounds before this one that ended at `max_tokens` without visible text. */
  noProgressRounds: number;
}

/** Whether the job goes on, or how it ends (with the named error its execution fails with, if any). */
export type RoundDecision =
  | { next: 'continue'; noProgressRounds: number }
  | {
      next: 'finish';
      status: FinalJobStatus;
      noProgressRounds: number;
      failure?: { name: string; message: string };
    };

/** How a job ends when Bedrock refused its round's call with an error that is an outcome, not a fault. */
export interface RefusedCallEnd {
  status: Extract<FinalJobStatus, 'CONTEXT_FULL' | 'BLOCKED'>;
  stopReason: StopReason;
  failure: { name: string; message: string };
}

/**
 * The end of a job whose round call Bedrock refused because the document no longer fits the context
 * window (a 400 such as "prompt is too long": CONTEXT_FULL) or because a content filter blocked the
 * output (a 400 "Output blocked by content filtering policy": BLOCKED), as if the model had stopped
 * with `model_context_window_exceeded` or `content_filtered`; the text so far is kept either way.
 * `undefined` for any other error, which fails the round as usual.
 */
export function endForRefusedCall(error: unknown): RefusedCallEnd | undefined {
  if (!(error instanceof ContextWindowFullError || error instanceof ContentBlockedError)) return undefined;
  const failure = { name: error.name, message: error.message };
  return error instanceof ContextWindowFullError
    ? { status: 'CONTEXT_FULL', stopReason: 'model_context_window_exceeded', failure }
    : { status: 'BLOCKED', stopReason: 'content_filtered', failure };
}

/** The stop-reason policy (docs/architecture.md, "Stop reasons"). */
export function decideAfterRound(input: RoundOutcomeInput): RoundDecision {
  const { round, maxRounds } = input;
  const completes = input.stopReason === 'end_turn' || input.stopReason === 'stop_sequence';
  const stopReason = completes && !input.replyPlaced ? 'max_tokens' : input.stopReason;
  const continues = CONTINUING_REASONS.has(stopReason);
  const madeProgress = input.visibleCharacters > 0;
  const noProgressRounds = madeProgress ? 0 : continues ? input.noProgressRounds + 1 : input.noProgressRounds;
  const finish = (status: FinalJobStatus, error?: LongformError): RoundDecision =>
    error
      ? { next: 'finish', status, noProgressRounds, failure: { name: error.name, message: error.message } }
      : { next: 'finish', status, noProgressRounds };

  if (input.stoppedAtSequence || stopReason === 'end_turn' || stopReason === 'stop_sequence') {
    return finish('COMPLETED');
  }
  if (continues) {
    if (noProgressRounds >= NO_PROGRESS_LIMIT) {
      return finish(
        'FAILED',
        new NoProgressError(
          `${noProgressRounds} rounds in a row ended at max_tokens (or their time budget) without adding text: the model may be spending the whole budget on thinking or, in instruction mode, on text before the quoted end of the document; the text so far is kept. Raise maxTokensPerRound.`,
        ),
      );
    }
    if (round >= maxRounds) {
      return finish(
        'MAX_ROUNDS_REACHED',
        new MaxRoundsReachedError(
          `The model had not finished after maxRounds (${maxRounds}) rounds; the text so far is kept. Continue it with a higher limit (offline: longform resume JOB_ID --max-rounds N, up to ${MAX_ROUNDS_LIMIT}), or start it again with a larger "maxTokensPerRound".`,
        ),
      );
    }
    return { next: 'continue', noProgressRounds };
  }
  if (stopReason === 'model_context_window_exceeded') {
    return finish(
      'CONTEXT_FULL',
      new ContextWindowFullError(
        `The document no longer fits the model's context window after round ${round}; the text so far is kept.`,
      ),
    );
  }
  if (BLOCKING_REASONS.has(stopReason)) {
    return finish(
      'BLOCKED',
      new ContentBlockedError(
        `The model stopped with "${stopReason}" in round ${round}; the text so far is kept.`,
      ),
    );
  }
  return finish(
    'FAILED',
    new UnexpectedStopReasonError(
      `The model stopped with "${stopReason}" in round ${round}, which Longform cannot continue from.`,
    ),
  );
}
