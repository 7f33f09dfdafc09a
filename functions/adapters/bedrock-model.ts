import {
  BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
  ConverseCommand,
  InvokeModelCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler } from '@smithy/node-http-handler';
import { buildAnthropicBody, buildConverseRequest } from '../core/bedrock-request';
import { classifyBedrockError } from '../core/error-classification';
import {
  BedrockAccessDeniedError,
  BedrockModelNotFoundError,
  type LongformError,
  RoundDeadlineError,
} from '../core/errors';
import type { ChatTurn, JobConfig } from '../core/job-config';
import { type ModelReply, parseAnthropicResponse, parseConverseOutput } from '../core/model-reply';

/** Longest a single Bedrock call may take: a whole Lambda lifetime (the deadline cuts it sooner). */
const REQUEST_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * A Bedrock Runtime client for rounds: one attempt per call (Step Functions owns retries, so they show
 * in the console) and HTTP/2 timeouts long enough for a long generation — the SDK's default session
 * timeout would cut a silent non-streaming response after 300 s. `overrides` (an endpoint, a region,
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
 * Calls Bedrock once for a round, through Converse or InvokeModel (Anthropic Messages body) as the job
 * says. The call is aborted `deadlineMs` from now with {@link RoundDeadlineError}, so a slow round
 * fails with a named, retriable error instead of the Lambda being killed mid-write. Every other
 * failure is classified into a named error.
 */
export async function generateReply(
  client: BedrockRuntimeClient,
  config: JobConfig,
  conversation: ChatTurn[],
  deadlineMs: number,
): Promise<TimedReply> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(0, deadlineMs));
  const started = performance.now();
  try {
    const reply = await send(client, config, conversation, controller.signal);
    return { ...reply, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    if (controller.signal.aborted) {
      throw new RoundDeadlineError(
        `Bedrock did not answer within ${Math.round(deadlineMs / 1000)} s, before the function's deadline; ` +
          'lower maxTokensPerRound if this repeats',
        { cause: error },
      );
    }
    throw withModelId(classifyBedrockError(error), config.modelId);
  } finally {
    clearTimeout(timer);
  }
}

async function send(
  client: BedrockRuntimeClient,
  config: JobConfig,
  conversation: ChatTurn[],
  abortSignal: AbortSignal,
): Promise<ModelReply> {
  if (config.api === 'invoke') {
    const output = await client.send(
      new InvokeModelCommand({
        modelId: config.modelId,
        contentType: 'application/json',
        accept: 'application/json',
        body: JSON.stringify(buildAnthropicBody(config, conversation)),
      }),
      { abortSignal },
    );
    return parseAnthropicResponse(JSON.parse(new TextDecoder().decode(output.body)));
  }
  // The core builds a plain object with exactly the Converse request's shape.
  const request = buildConverseRequest(config, conversation) as ConstructorParameters<
    typeof ConverseCommand
  >[0];
  const output = await client.send(new ConverseCommand(request), { abortSignal });
  return parseConverseOutput(output);
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
