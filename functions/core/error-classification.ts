import {
  BedrockAccessDeniedError,
  BedrockModelError,
  BedrockModelNotFoundError,
  BedrockThrottlingError,
  BedrockTimeoutError,
  BedrockUnavailableError,
  BedrockUnexpectedError,
  BedrockValidationError,
  ContentBlockedError,
  ContextWindowFullError,
  type LongformError,
  type LongformErrorOptions,
  PrefillRejectedError,
  StoreUnavailableError,
} from './errors';

type ErrorClass = new (message: string, options?: LongformErrorOptions) => LongformError;

/** Whether a message contains one of the phrases, ignoring case. */
function mentionsAny(message: string, phrases: readonly string[]): boolean {
  const lower = message.toLowerCase();
  return phrases.some((phrase) => lower.includes(phrase));
}

const PREFILL_REJECTIONS = [
  // Claude 4.6 and later
  'does not support assistant message prefill',
  // Meta Llama on Converse
  'requires the last turn in the conversation to be a user message',
];

/** Whether a ValidationException message says the model rejects a final assistant turn (prefill). */
export function isPrefillRejection(message: string): boolean {
  return mentionsAny(message, PREFILL_REJECTIONS);
}

const CONTEXT_OVERFLOWS = [
  // Anthropic models: "input length and `max_tokens` exceed context limit: 187254 + 20000 > 204698, ..."
  'exceed context limit',
  // Anthropic models: "prompt is too long: 210000 tokens > 200000 maximum"
  'prompt is too long',
  // Other models on Bedrock
  'input is too long for requested model',
];

/**
 * Whether a ValidationException message says the conversation no longer fits the model's context
 * window: Bedrock refuses the call instead of answering with `model_context_window_exceeded`.
 */
export function isContextOverflow(message: string): boolean {
  return mentionsAny(message, CONTEXT_OVERFLOWS);
}

const INVALID_MODEL_IDS = [
  // An unknown or mistyped model or profile id: a 400 ValidationException, not a 404
  'the provided model identifier is invalid',
];

const CONTENT_FILTER_BLOCKS = [
  // A content filter can stop the output with a 400 instead of the stop reason `content_filtered`
  'output blocked by content filtering policy',
];

/**
 * The Longform errors a 400's message singles out, checked in order; any other 400 stays a
 * BedrockValidationError. Bedrock names them all ValidationException.
 */
const VALIDATION_MESSAGES: readonly [readonly string[], ErrorClass][] = [
  [PREFILL_REJECTIONS, PrefillRejectedError],
  [CONTEXT_OVERFLOWS, ContextWindowFullError],
  [INVALID_MODEL_IDS, BedrockModelNotFoundError],
  [CONTENT_FILTER_BLOCKS, ContentBlockedError],
];

function validationClass(message: string): ErrorClass {
  const found = VALIDATION_MESSAGES.find(([phrases]) => mentionsAny(message, phrases));
  return found ? found[1] : BedrockValidationError;
}

/** Bedrock Runtime exception names (the `x-amzn-ErrorType` header, the SDK's `name`). */
const BEDROCK_EXCEPTIONS: Record<string, ErrorClass> = {
  ThrottlingException: BedrockThrottlingError,
  ServiceQuotaExceededException: BedrockThrottlingError,
  TooManyRequestsException: BedrockThrottlingError,
  ServiceUnavailableException: BedrockUnavailableError,
  InternalServerException: BedrockUnavailableError,
  ModelNotReadyException: BedrockUnavailableError,
  ModelTimeoutException: BedrockTimeoutError,
  ModelErrorException: BedrockModelError,
  ModelStreamErrorException: BedrockModelError,
  ValidationException: BedrockValidationError,
  ConflictException: BedrockValidationError,
  AccessDeniedException: BedrockAccessDeniedError,
  UnrecognizedClientException: BedrockAccessDeniedError,
  ResourceNotFoundException: BedrockModelNotFoundError,
};

/** Classes by HTTP status, for responses whose exception name the SDK did not recognize. */
function byStatus(status: number): ErrorClass | undefined {
  if (status === 429) return BedrockThrottlingError;
  if (status === 408) return BedrockTimeoutError;
  if (status === 424) return BedrockModelError;
  if (status >= 500) return BedrockUnavailableError;
  if (status === 401 || status === 403) return BedrockAccessDeniedError;
  if (status === 404) return BedrockModelNotFoundError;
  if (status >= 400) return BedrockValidationError;
  return undefined;
}

const TIMEOUT_NAMES = new Set(['AbortError', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ABORT_ERR', 'UND_ERR_HEADERS_TIMEOUT']);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);
const NETWORK_MESSAGES =
  /socket hang up|connection (?:reset|closed|refused)|premature close|stream (?:was )?(?:reset|destroyed)/i;

interface ErrorFacts {
  name: string;
  code: string;
  message: string;
  status: number | undefined;
  fault: string | undefined;
}

function factsOf(error: unknown): ErrorFacts {
  const record = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const metadata = record.$metadata as { httpStatusCode?: unknown } | undefined;
  const status = metadata?.httpStatusCode;
  return {
    name: typeof record.name === 'string' ? record.name : '',
    code: typeof record.code === 'string' ? record.code : '',
    message: typeof record.message === 'string' ? record.message : typeof error === 'string' ? error : '',
    status: typeof status === 'number' ? status : undefined,
    fault: typeof record.$fault === 'string' ? record.$fault : undefined,
  };
}

/** The error and its causes, outermost first (the SDK and undici wrap socket errors). */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 5 && !chain.includes(current)) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function networkClass(facts: ErrorFacts): ErrorClass | undefined {
  if (TIMEOUT_NAMES.has(facts.name) || TIMEOUT_CODES.has(facts.code)) return BedrockTimeoutError;
  if (NETWORK_CODES.has(facts.code) || facts.code.startsWith('ERR_HTTP2_')) return BedrockUnavailableError;
  if (NETWORK_MESSAGES.test(facts.message)) return BedrockUnavailableError;
  return undefined;
}

/**
 * Turns whatever a Bedrock call threw into a named Longform error: by the SDK exception `name`, then
 * the HTTP status, then Node's network error `code`/name (also in its causes). Bedrock's message is
 * kept and the original error becomes the `cause`. Errors that are already Longform errors pass through.
 */
export function classifyBedrockError(error: unknown): LongformError {
  if (isLongformError(error)) return error;
  const facts = factsOf(error);
  const message = facts.message || facts.name || 'Bedrock call failed';
  const options = { cause: error };
  const chosen =
    BEDROCK_EXCEPTIONS[facts.name] ??
    (facts.status === undefined ? undefined : byStatus(facts.status)) ??
    firstNetworkClass(error) ??
    (facts.fault === 'server' ? BedrockUnavailableError : undefined) ??
    BedrockUnexpectedError;
  const named = chosen === BedrockValidationError ? validationClass(message) : chosen;
  return new named(message, options);
}

function firstNetworkClass(error: unknown): ErrorClass | undefined {
  for (const link of causeChain(error)) {
    const found = networkClass(factsOf(link));
    if (found) return found;
  }
  return undefined;
}

function isLongformError(error: unknown): error is LongformError {
  return error instanceof Error && typeof (error as Partial<LongformError>).retriable === 'boolean';
}

const STORE_TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'LimitExceededException',
]);

/**
 * DynamoDB throttling, server faults and network failures become StoreUnavailableError (retried by the
 * state machine); anything else — conditional-check failures, validation — is returned unchanged.
 */
export function classifyStoreError(error: unknown): Error {
  const facts = factsOf(error);
  const transient =
    STORE_TRANSIENT_NAMES.has(facts.name) ||
    (facts.status !== undefined && facts.status >= 500) ||
    firstNetworkClass(error) !== undefined;
  if (transient) {
    return new StoreUnavailableError(facts.message || facts.name || 'DynamoDB call failed', { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
