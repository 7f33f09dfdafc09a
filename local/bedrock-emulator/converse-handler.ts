/** `POST /model/{id}/converse`: the Converse operation. */
import { type CachePoint, type Conversation, readConversation } from './conversation';
import { validateSampling } from './conversation-validation';
import type { HandlerContext, HandlerReply } from './handler-context';
import { answerConversation } from './model-answer';
import type { ModelSpec } from './model-catalog';
import { isRecord, parseJsonObject, stringList } from './request-body';
import { validationError } from './service-error';

/** maxTokens when a Converse request leaves it out (capped by the model's own limit). */
const DEFAULT_CONVERSE_MAX_TOKENS = 4096;

/** The text blocks of a content list, and the cache points among them (`message` is the caller's). */
function blocksOf(content: unknown, message: number): { texts: string[]; cachePoints: CachePoint[] } {
  const texts: string[] = [];
  const cachePoints: CachePoint[] = [];
  if (!Array.isArray(content)) return { texts, cachePoints };
  // Other non-text blocks (images, ...) carry no text for this model.
  for (const block of content) {
    if (!isRecord(block)) continue;
    if (typeof block.text === 'string') texts.push(block.text);
    else if (isRecord(block.cachePoint)) {
      cachePoints.push({
        message,
        afterTexts: texts.length,
        ttl: block.cachePoint.ttl === '1h' ? '1h' : '5m',
      });
    }
  }
  return { texts, cachePoints };
}

function toConversation(body: Record<string, unknown>): Conversation {
  if (!Array.isArray(body.messages)) {
    throw validationError(
      "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null",
    );
  }
  return readConversation(body.system, body.messages, blocksOf);
}

function maxTokensOf(model: ModelSpec, value: unknown): number {
  if (value === undefined) return Math.min(DEFAULT_CONVERSE_MAX_TOKENS, model.maxOutputTokens);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw validationError(
      `1 validation error detected: Value '${String(value)}' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    );
  }
  if (value > model.maxOutputTokens) {
    const limit = model.maxOutputTokens;
    throw validationError(
      `The maximum tokens you requested exceeds the model limit of ${limit}. Try again with a maximum tokens value that is lower than ${limit}.`,
    );
  }
  return value;
}

/** Handles a Converse request for a catalogue model; throws an {@link EmulatedServiceError} on bad input. */
export async function handleConverse(
  model: ModelSpec,
  rawBody: string,
  context: HandlerContext,
): Promise<HandlerReply> {
  const started = Date.now();
  const body = parseJsonObject(rawBody);
  const conversation = toConversation(body);
  const config = isRecord(body.inferenceConfig) ? body.inferenceConfig : {};
  const extra = isRecord(body.additionalModelRequestFields) ? body.additionalModelRequestFields : {};
  const maxTokens = maxTokensOf(model, config.maxTokens);
  validateSampling('converse', model, {
    temperature: config.temperature ?? extra.temperature,
    top_p: config.topP ?? extra.top_p,
    top_k: extra.top_k,
  });
  const { input, generation } = await answerConversation(
    'converse',
    model,
    conversation,
    maxTokens,
    stringList(config.stopSequences),
    context,
  );
  return {
    body: {
      output: {
        message: { role: 'assistant', content: generation.text === '' ? [] : [{ text: generation.text }] },
      },
      stopReason: generation.stopReason,
      // inputTokens counts only what was neither read from nor written to the cache; the cache counts
      // come with requests that carry cache points.
      usage: {
        inputTokens: input.uncached,
        outputTokens: generation.outputTokens,
        totalTokens: input.uncached + input.read + input.written + generation.outputTokens,
        ...((conversation.cachePoints?.length ?? 0) > 0
          ? { cacheReadInputTokens: input.read, cacheWriteInputTokens: input.written }
          : {}),
      },
      metrics: { latencyMs: Date.now() - started },
    },
  };
}
