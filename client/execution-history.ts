import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { RetryEvent } from './job-events';

/** The Task state that generates rounds (infra/workflow-steps.ts; a test keeps the two equal). */
export const ROUND_STATE_NAME = 'Generate next part';

/** What a run of history events tells a watcher, in the order it happened. */
export type HistoryItem =
  | RetryEvent
  /** `Generate next part` finished round `round`: rounds through it are committed and may be read. */
  | { type: 'committed'; round: number };

/** How the execution ended, as its last terminal event says. */
export interface ExecutionEnd {
  executionStatus: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  error?: string;
  cause?: string;
}

/** A failed task attempt not yet known to have been retried. */
interface PendingFailure {
  error: string;
  attempt: number;
}

/**
 * Events after which the failed attempt before them was evidently retried (another attempt ran). The
 * workflow's tasks name their functions directly (`payloadResponseOnly`), for which Step Functions
 * records `LambdaFunction…` attempt events (and `serve` does too).
 */
const ATTEMPT_EVENTS = new Set([
  'LambdaFunctionScheduled',
  'LambdaFunctionStarted',
  'LambdaFunctionSucceeded',
  'LambdaFunctionFailed',
  'LambdaFunctionTimedOut',
  'LambdaFunctionScheduleFailed',
  'LambdaFunctionStartFailed',
]);

const TERMINAL_STATUS: Record<string, ExecutionEnd['executionStatus']> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

/**
 * Decodes an execution's history (GetExecutionHistory, oldest first) into what a watcher reports, event
 * by event, across polls: feed it each poll's new events. A failed task attempt counts as a retry once a
 * later attempt of the same state shows up (AWS records LambdaFunctionScheduled, ...Started...; a history
 * with attempt events left out shows the state exiting normally); the attempt that failed the execution or
 * was caught (the state exits with the error as its output) is not a retry. A redrive continues the
 * same history, so an end followed by `ExecutionRedriven` is no end.
 */
export class HistoryDecoder {
  private lastId = 0;
  private state: { name: string; round?: number; failures: number } | undefined;
  private pending: PendingFailure | undefined;
  private end: ExecutionEnd | undefined;

  /** The id of the last event decoded (0 before any): later polls only need events after it. */
  get lastEventId(): number {
    return this.lastId;
  }

  /** How the execution ended, when its latest event so far is its end. */
  get ended(): ExecutionEnd | undefined {
    return this.end;
  }

  /** Decodes events in id order; events at or before {@link lastEventId} are skipped, so a page may overlap. */
  decode(events: readonly HistoryEvent[]): HistoryItem[] {
    const items: HistoryItem[] = [];
    for (const event of events) {
      if (event.id === undefined || event.id <= this.lastId) continue;
      this.lastId = event.id;
      this.apply(event, items);
    }
    return items;
  }

  private apply(event: HistoryEvent, items: HistoryItem[]): void {
    const type = event.type ?? '';
    if (type in TERMINAL_STATUS) {
      this.pending = undefined;
      const details = event.executionFailedEventDetails ?? event.executionTimedOutEventDetails;
      this.end = {
        executionStatus: TERMINAL_STATUS[type] as ExecutionEnd['executionStatus'],
        ...(details?.error ? { error: details.error } : {}),
        ...(details?.cause ? { cause: details.cause } : {}),
      };
      return;
    }
    if (type === 'ExecutionRedriven') {
      // The failed state runs again with fresh retry counts.
      this.end = undefined;
      if (this.state) this.state.failures = 0;
      return;
    }
    if (type.endsWith('StateEntered')) {
      this.pending = undefined;
      const details = event.stateEnteredEventDetails;
      const name = details?.name ?? '';
      const round = name === ROUND_STATE_NAME ? roundOf(details?.input) : undefined;
      this.state = { name, failures: 0, ...(round === undefined ? {} : { round }) };
      return;
    }
    if (type === 'TaskStateExited') {
      const caught = isErrorOutput(event.stateExitedEventDetails?.output);
      if (!caught) this.flushRetry(items);
      this.pending = undefined;
      if (!caught && this.state?.name === ROUND_STATE_NAME && this.state.round !== undefined) {
        items.push({ type: 'committed', round: this.state.round });
      }
      return;
    }
    if (ATTEMPT_EVENTS.has(type)) this.flushRetry(items);
    const failure = failedAttemptError(event);
    if (failure !== undefined && this.state) {
      this.state.failures += 1;
      this.pending = { error: failure, attempt: this.state.failures };
    }
  }

  /** The pending failure was followed by another attempt: it was retried. */
  private flushRetry(items: HistoryItem[]): void {
    if (!this.pending) return;
    items.push({
      type: 'retry',
      ...(this.state?.round === undefined ? {} : { round: this.state.round }),
      error: this.pending.error,
      attempt: this.pending.attempt,
    });
    this.pending = undefined;
  }
}

/**
 * Whether an execution that failed ended at a Fail state (`Job ended early`, `Job failed`), from its
 * newest events, newest first: the last state it entered. A redrive would run that Fail state again.
 */
export function endedAtFailState(newestFirst: readonly HistoryEvent[]): boolean {
  return newestFirst.find((event) => event.type?.endsWith('StateEntered'))?.type === 'FailStateEntered';
}

/** The error name of a failed task attempt, or `undefined` when the event is not one. */
function failedAttemptError(event: HistoryEvent): string | undefined {
  const details =
    event.lambdaFunctionFailedEventDetails ??
    event.lambdaFunctionTimedOutEventDetails ??
    event.lambdaFunctionScheduleFailedEventDetails ??
    event.lambdaFunctionStartFailedEventDetails;
  if (!details) return undefined;
  return details.error || (event.type?.endsWith('TimedOut') ? 'States.Timeout' : 'States.TaskFailed');
}

/** The round a `Generate next part` state was entered for: its input's `nextRound`. */
function roundOf(input: string | undefined): number | undefined {
  const parsed = parseObject(input);
  return typeof parsed?.nextRound === 'number' ? parsed.nextRound : undefined;
}

/** A caught error leaves its state with `{ Error, Cause }` as the output (the Catch has no ResultPath). */
function isErrorOutput(output: string | undefined): boolean {
  return typeof parseObject(output)?.Error === 'string';
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
