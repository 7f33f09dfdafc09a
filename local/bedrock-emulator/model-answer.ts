/** The part both operations share once their body is parsed: validate the conversation, generate, wait. */
import { type Generation, generateContinuation } from './continuation';
import type { Conversation } from './conversation';
import { validateConversation } from './conversation-validation';
import type { HandlerContext } from './handler-context';
import type { ModelSpec } from './model-catalog';
import type { ApiKind } from './service-error';

/** The model's answer to a parsed request, with the input tokens it counted. */
export interface ModelAnswer {
  readonly inputTokens: number;
  readonly generation: Generation;
}

/**
 * Validates the conversation as Bedrock does for `api` (throwing its errors), generates the next
 * `maxTokens` tokens, and waits out the configured latency for them.
 */
export async function answerConversation(
  api: ApiKind,
  model: ModelSpec,
  conversation: Conversation,
  maxTokens: number,
  stopSequences: readonly string[],
  context: HandlerContext,
): Promise<ModelAnswer> {
  const inputTokens = validateConversation(api, model, conversation, maxTokens);
  const generation = generateContinuation({
    conversation,
    maxTokens,
    stopSequences,
    documentTokens: context.documentTokens,
    quirks: context.quirks,
  });
  await context.delay(generation.outputTokens);
  return { inputTokens, generation };
}
