/** The part both operations share once their body is parsed: validate the conversation, generate, wait. */
import { type Generation, generateContinuation } from './continuation';
import type { Conversation } from './conversation';
import { validateConversation } from './conversation-validation';
import { type EndStateReason, endStateFor } from './end-state';
import type { HandlerContext } from './handler-context';
import type { ModelSpec } from './model-catalog';
import { type CacheUsage, validateCachePoints } from './prompt-cache';
import type { ApiKind } from './service-error';

/** A generation, or one an end-state directive made stop for another reason. */
export type Answer =
  | Generation
  | (Omit<Generation, 'stopReason' | 'stopSequence'> & { stopReason: EndStateReason });

/** The model's answer to a parsed request, with its input tokens split by the prompt cache. */
export interface ModelAnswer {
  readonly input: CacheUsage;
  readonly generation: Answer;
}

/**
 * Validates the conversation as Bedrock does for `api` (throwing its errors), generates the next
 * `maxTokens` tokens, and waits out the configured latency for them. An end-state directive in the
 * prompt (see `end-state.ts`) can change the stop reason or refuse the request.
 */
export async function answerConversation(
  api: ApiKind,
  model: ModelSpec,
  conversation: Conversation,
  maxTokens: number,
  stopSequences: readonly string[],
  context: HandlerContext,
): Promise<ModelAnswer> {
  const total = validateConversation(api, model, conversation, maxTokens);
  validateCachePoints(api, conversation);
  // Without a cache (a handler called directly), every input token is uncached.
  const input = context.promptCache?.account(model, conversation) ?? { uncached: total, read: 0, written: 0 };
  const ending = endStateFor(api, conversation);
  const generation = generateContinuation({
    conversation,
    maxTokens,
    stopSequences,
    documentTokens: context.documentTokens,
    quirks: context.quirks,
  });
  await context.delay(generation.outputTokens);
  if (!ending) return { input, generation };
  return {
    input,
    generation: { text: generation.text, outputTokens: generation.outputTokens, stopReason: ending },
  };
}
