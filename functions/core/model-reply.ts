import { z } from 'zod';
import { BedrockModelError } from './errors';
import type { Usage } from './job-record';
import type { StopReason } from './stop-reason';
import { normalizeStopReason } from './stop-reason-policy';

/** What a round needs from a model response, whichever API produced it. */
export interface ModelReply {
  /** The visible text: all text blocks, concatenated in order (thinking and other blocks left out). */
  text: string;
  stopReason: StopReason;
  /** Token counts as Bedrock reported them, each present (0 when the response left one out). */
  usage: Required<Usage>;
}

const tokenCount = z.number().int().nonnegative().optional();

const converseOutputSchema = z.looseObject({
  output: z.looseObject({
    message: z.looseObject({ content: z.array(z.looseObject({ text: z.unknown().optional() })) }),
  }),
  stopReason: z.string().nullish(),
  usage: z
    .looseObject({
      inputTokens: tokenCount,
      outputTokens: tokenCount,
      cacheReadInputTokens: tokenCount,
      cacheWriteInputTokens: tokenCount,
    })
    .nullish(),
});

const anthropicResponseSchema = z.looseObject({
  content: z.array(z.looseObject({ type: z.string(), text: z.unknown().optional() })),
  stop_reason: z.string().nullish(),
  usage: z
    .looseObject({
      input_tokens: tokenCount,
      output_tokens: tokenCount,
      cache_read_input_tokens: tokenCount,
      cache_creation_input_tokens: tokenCount,
    })
    .nullish(),
});

/**
 * Reads a Converse response (the SDK's ConverseCommandOutput). Blocks without `text`
 * (`reasoningContent`, tool use) are ignored.
 * @throws BedrockModelError when the response does not have the documented shape.
 */
export function parseConverseOutput(output: unknown): ModelReply {
  const parsed = converseOutputSchema.safeParse(output);
  if (!parsed.success) throw unreadable('Converse', parsed.error);
  const { data } = parsed;
  return {
    text: data.output.message.content
      .map((block) => (typeof block.text === 'string' ? block.text : ''))
      .join(''),
    stopReason: normalizeStopReason(data.stopReason),
    usage: {
      inputTokens: data.usage?.inputTokens ?? 0,
      outputTokens: data.usage?.outputTokens ?? 0,
      cacheReadInputTokens: data.usage?.cacheReadInputTokens ?? 0,
      cacheWriteInputTokens: data.usage?.cacheWriteInputTokens ?? 0,
    },
  };
}

/**
 * Reads an Anthropic Messages response body (already JSON-decoded). Only `type: "text"` blocks count.
 * @throws BedrockModelError when the body does not have the documented shape.
 */
export function parseAnthropicResponse(body: unknown): ModelReply {
  const parsed = anthropicResponseSchema.safeParse(body);
  if (!parsed.success) throw unreadable('InvokeModel', parsed.error);
  const { data } = parsed;
  return {
    text: data.content
      .map((block) => (block.type === 'text' && typeof block.text === 'string' ? block.text : ''))
      .join(''),
    stopReason: normalizeStopReason(data.stop_reason),
    usage: {
      inputTokens: data.usage?.input_tokens ?? 0,
      outputTokens: data.usage?.output_tokens ?? 0,
      cacheReadInputTokens: data.usage?.cache_read_input_tokens ?? 0,
      cacheWriteInputTokens: data.usage?.cache_creation_input_tokens ?? 0,
    },
  };
}

// A reply of the wrong shape is the model side failing, like ModelErrorException: worth a retry or two.
function unreadable(api: string, error: z.ZodError): BedrockModelError {
  const where = error.issues[0]?.path.join('.') || 'the response';
  return new BedrockModelError(`Bedrock ${api} returned a response Longform cannot read (at ${where})`, {
    cause: error,
  });
}
