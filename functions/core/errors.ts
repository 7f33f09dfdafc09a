/**
 * Every error Longform throws on purpose. The class `name` is the contract: a Lambda's thrown
 * `Error.name` is what the state machine's Retry/Catch `ErrorEquals` matches and what the console shows.
 */

/** Options every Longform error accepts; `cause` keeps the original error for the logs and the console. */
export interface LongformErrorOptions {
  cause?: unknown;
}

/** Base of every named Longform error. `retriable` says whether trying the same step again can succeed. */
export abstract class LongformError extends Error {
  abstract readonly retriable: boolean;

  constructor(message: string, options?: LongformErrorOptions) {
    super(message, options);
  }
}

/** A transient failure: the state machine retries it with backoff and jitter (docs/architecture.md, "Retries"). */
abstract class TransientError extends LongformError {
  readonly retriable = true;
}

/** A failure that the same request can never get past: no retry, the job fails. */
abstract class PermanentError extends LongformError {
  readonly retriable = false;
}

// ---- retriable ----

/** Bedrock refused the call for rate or quota reasons (ThrottlingException, ServiceQuotaExceededException). */
export class BedrockThrottlingError extends TransientError {
  override readonly name = 'BedrockThrottlingError';
}

/** Bedrock or the network path to it failed (5xx, model not ready, dropped connection). */
export class BedrockUnavailableError extends TransientError {
  override readonly name = 'BedrockUnavailableError';
}

/** The model or the client gave up waiting (ModelTimeoutException, request or socket timeout). */
export class BedrockTimeoutError extends TransientError {
  override readonly name = 'BedrockTimeoutError';
}

/** The model failed while processing the request (ModelErrorException, HTTP 424). */
export class BedrockModelError extends TransientError {
  override readonly name = 'BedrockModelError';
}

/** The round stopped its Bedrock call itself so the Lambda is not killed at its deadline. */
export class RoundDeadlineError extends TransientError {
  override readonly name = 'RoundDeadlineError';
}

/** DynamoDB throttled, failed on its side, or could not be reached. */
export class StoreUnavailableError extends TransientError {
  override readonly name = 'StoreUnavailableError';
}

/** The documents bucket throttled, failed on its side, or could not be reached: `Finalize job` is retried. */
export class DocumentBucketUnavailableError extends TransientError {
  override readonly name = 'DocumentBucketUnavailableError';
}

/** EventBridge did not take the event (a failed entry, throttling, a fault): the step is retried. */
export class EventBusUnavailableError extends TransientError {
  override readonly name = 'EventBusUnavailableError';
}

// ---- permanent ----

/** The execution input is invalid. `field` names the offending field, e.g. `messages[2].text`. */
export class InvalidInputError extends PermanentError {
  override readonly name = 'InvalidInputError';
  /** The input field at fault, in path notation (`maxTokensPerRound`, `messages[2].text`). */
  readonly field: string;

  /** @param message must name the field and say how to fix it. */
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** Bedrock rejected the request as invalid (ValidationException other than a prefill rejection). */
export class BedrockValidationError extends PermanentError {
  override readonly name = 'BedrockValidationError';
}

/** Bedrock denied access: model access not enabled, or IAM does not allow the call. */
export class BedrockAccessDeniedError extends PermanentError {
  override readonly name = 'BedrockAccessDeniedError';
}

/** The model or inference-profile id does not exist in this region. */
export class BedrockModelNotFoundError extends PermanentError {
  override readonly name = 'BedrockModelNotFoundError';
}

/** Bedrock failed in a way no rule recognizes; not retried so that bugs surface instead of looping. */
export class BedrockUnexpectedError extends PermanentError {
  override readonly name = 'BedrockUnexpectedError';
}

/** The model rejects a final assistant turn (prefill); `auto` continuation switches to instruction on it. */
export class PrefillRejectedError extends PermanentError {
  override readonly name = 'PrefillRejectedError';
}

/** No job is stored under the given id. */
export class JobNotFoundError extends PermanentError {
  override readonly name = 'JobNotFoundError';
}

/** The stored rounds do not fold into a document: a seam points outside its texts or into text already emitted. */
export class CorruptDocumentError extends PermanentError {
  override readonly name = 'CorruptDocumentError';
}

// ---- job outcomes (the execution's error name when a job ends without completing) ----

/** The conversation no longer fits the model's context window; the text so far is kept. */
export class ContextWindowFullError extends PermanentError {
  override readonly name = 'ContextWindowFullError';
}

/** The model refused, or a guardrail or content filter stopped the output. */
export class ContentBlockedError extends PermanentError {
  override readonly name = 'ContentBlockedError';
}

/** The job used all its rounds before the model ended its turn. */
export class MaxRoundsReachedError extends PermanentError {
  override readonly name = 'MaxRoundsReachedError';
}

/** The model stopped for a reason Longform cannot continue from (tool_use, pause_turn, malformed_*, unknown). */
export class UnexpectedStopReasonError extends PermanentError {
  override readonly name = 'UnexpectedStopReasonError';
}

/** Rounds in a row produced no visible text (thinking can use the whole output budget). */
export class NoProgressError extends PermanentError {
  override readonly name = 'NoProgressError';
}

/**
 * The job's execution was stopped (StopExecution: `longform stop`, the console) or aborted while it ran.
 * Recorded on the job so it shows as ended; its rounds stay, and a redrive or resume continues it.
 */
export class ExecutionAbortedError extends PermanentError {
  override readonly name = 'ExecutionAbortedError';
}

/** The retriable errors a round can raise (the document bucket and event bus are Finalize's only). */
const ROUND_RETRIABLE_ERROR_CLASSES = [
  BedrockThrottlingError,
  BedrockUnavailableError,
  BedrockTimeoutError,
  BedrockModelError,
  RoundDeadlineError,
  StoreUnavailableError,
] as const;

const RETRIABLE_ERROR_CLASSES = [
  ...ROUND_RETRIABLE_ERROR_CLASSES,
  DocumentBucketUnavailableError,
  EventBusUnavailableError,
] as const;

function namesOf(classes: readonly (new (message: string) => Error)[]): readonly string[] {
  return Object.freeze(classes.map((ErrorClass) => new ErrorClass('').name));
}

/** Names of the retriable error classes, for the state machine's Retry `ErrorEquals`. */
export const RETRIABLE_ERROR_NAMES: readonly string[] = namesOf(RETRIABLE_ERROR_CLASSES);

/** Names of the retriable errors a round can raise: the `ErrorName`s of its `RoundErrors` retries. */
export const ROUND_RETRIABLE_ERROR_NAMES: readonly string[] = namesOf(ROUND_RETRIABLE_ERROR_CLASSES);
