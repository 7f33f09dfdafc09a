import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler } from '@smithy/node-http-handler';
import { BedrockAccessDeniedError, BedrockModelNotFoundError, type LongformError } from '../core/errors';
import type { ModelReply } from '../core/model-reply';

/** Longest a single Bedrock call may take: a whole Lambda lifetime (the deadline cuts it sooner). */
const REQUEST_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * A Bedrock Runtime client for rounds: one attempt per call (Step Functions owns retries, so they show
 * in the console) and HTTP/2 timeouts long enough for a long generation — the SDK's default session
 * timeout would cut a long silence (a model thinking before it streams) after 300 s. `overrides` (an endpoint, a region,
 * credentials for a local server) go on top.
 */
export function createBedrockClient(overrides: BedrockRuntimeClientConfig = {}): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    maxAttempts: 1,
    requestHandler: new NodeHttp2Handler({
      requestTimeout: REQUEST_TIMEOUT_MS,
      sessionTimeout: REQUEST_TIMEOUT_MS,
      disableConcurrentStreams: false,
    }),
    ...overrides,
  });
}

/** A model reply with how long the call took. */
export interface TimedReply extends ModelReply {
  latencyMs: number;
}

/**
 * Bedrock's "not found" and "access denied" messages do not say which model they mean; a job names one,
 * so the error does too (the fix is usually the model id or its model access).
 */
export function withModelId(error: LongformError, modelId: string): LongformError {
  if (error instanceof BedrockModelNotFoundError) {
    return new BedrockModelNotFoundError(`modelId ${modelId}: ${error.message}`, { cause: error.cause });
  }
  if (error instanceof BedrockAccessDeniedError) {
    return new BedrockAccessDeniedError(`modelId ${modelId}: ${error.message}`, { cause: error.cause });
  }
  return error;
}
