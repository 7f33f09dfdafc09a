import { ExecutionAbortedError } from './errors';

/** The Catch output Step Functions hands to `Record failure`. */
export interface CaughtFailure {
  Error: string;
  Cause?: string;
}

/** An error name and a one-line message, as the Fail state and the job record show them. */
export interface FailureDescription {
  error: string;
  cause: string;
}

/**
 * Turns a caught failure into a clean name and message. A Lambda error's Cause is a JSON document with
 * `errorType`, `errorMessage` and a stack `trace`; people need the message, never the trace.
 */
export function describeFailure(failure: CaughtFailure): FailureDescription {
  const error = failure.Error || 'UnknownError';
  const cause = failure.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (parsed && typeof parsed.errorMessage === 'string') return { error, cause: parsed.errorMessage };
  } catch {
    // Not JSON: a States.* error's cause is already plain text.
  }
  return { error, cause: cause || `The step failed with ${error}` };
}

const aborted = new ExecutionAbortedError(
  'The execution was stopped before the job ended; its rounds are kept: resume the job to continue it',
);

/**
 * What `Record failure` records for an execution that was stopped (ABORTED): Step Functions' status-change
 * event for it carries no error of the workflow's, so the stack's recorder and `serve` give this one.
 */
export const EXECUTION_ABORTED: Readonly<CaughtFailure> = Object.freeze({
  Error: aborted.name,
  Cause: aborted.message,
});
