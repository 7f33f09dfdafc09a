/** `POST /model/{id}/invoke`: InvokeModel with an Anthropic Messages body. */
import { randomBytes } from 'node:crypto';
import { type CachePoint, type Conversation, readConversation } from './conversation';
import { validateSampling } from './conversation-validation';
import type { HandlerContext, HandlerReply } from './handler-context';
import { answerConversation } from './model-answer';
import type { ModelSpec } from './model-catalog';
import { isRecord, type JsonRecord, parseJsonObject, stringList } from './request-body';
import { validationError } from './service-error';

/** The only `anthropic_version` Bedrock accepts. */
export const ANTHROPIC_BEDROCK_VERSION = 'bedrock-2023-05-31';

/**
 * Top-level keys each family's InvokeModel schema allows, and the ones it requires. Anthropic's required
 * fields are checked one by one, with their own messages (anthropic_version, max_tokens, messages).
 */
const SCHEMAS: Record<ModelSpec['provider'], { allowed: readonly string[]; required: readonly string[] }> = {
  anthropic: {
    allowed: [
      'anthropic_version',
      'anthropic_beta',
      'max_tokens',
      'messages',
      'system',
      'stop_sequences',
      'temperature',
      'top_p',
      'top_k',
      'tools',
      'tool_choice',
      'thinking',
      'metadata',
    ],
    required: [],
  },
  amazon: {
    allowed: ['schemaVersion', 'system', 'messages', 'inferenceConfig', 'toolConfig'],
    required: ['messages'],
  },
  meta: { allowed: ['prompt', 'temperature', 'top_p', 'max_gen_len', 'images'], required: ['prompt'] },
  mistral: {
    allowed: ['prompt', 'max_tokens', 'stop', 'temperature', 'top_p', 'top_k'],
    required: ['prompt'],
  },
};

/**
 * The schema-violation list Bedrock reports when a body does not fit the model family's schema (a body
 * for another family, or a misspelled field such as `topP`); undefined when the body fits.
 */
function schemaViolations(provider: ModelSpec['provider'], body: JsonRecord): Error | undefined {
  const schema = SCHEMAS[provider];
  const violations = [
    ...schema.required.filter((key) => !(key in body)).map((key) => `#: required key [${key}] not found`),
    ...Object.keys(body)
      .filter((key) => !schema.allowed.includes(key))
      .map((key) => `#: extraneous key [${key}] is not permitted`),
  ];
  if (violations.length === 0) return undefined;
  return validationError(
    `Malformed input request: ${violations.join(', ')}, please reformat your input and try again.`,
  );
}

/** The text blocks of a content field, and a cache point after each block with `cache_control`. */
function blocksOf(content: unknown, message: number): { texts: string[]; cachePoints: CachePoint[] } {
  if (typeof content === 'string') return { texts: [content], cachePoints: [] };
  const texts: string[] = [];
  const cachePoints: CachePoint[] = [];
  if (!Array.isArray(content)) return { texts, cachePoints };
  for (const block of content) {
    if (!isRecord(block) || block.type !== 'text' || typeof block.text !== 'string') continue;
    texts.push(block.text);
    if (isRecord(block.cache_control)) {
      const ttl = block.cache_control.ttl === '1h' ? '1h' : '5m';
      cachePoints.push({ message, afterTexts: texts.length, ttl });
    }
  }
  return { texts, cachePoints };
}

function toConversation(body: JsonRecord): Conversation {
  if (!Array.isArray(body.messages)) throw validationError('messages: Field required');
  return readConversation(body.system, body.messages, blocksOf);
}

function checkVersion(value: unknown): void {
  if (value === undefined) throw validationError('anthropic_version: Field required');
  if (value !== ANTHROPIC_BEDROCK_VERSION) throw validationError(`Invalid API version: ${String(value)}`);
}

function maxTokensOf(model: ModelSpec, value: unknown): number {
  if (value === undefined) throw validationError('max_tokens: Field required');
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw validationError('max_tokens: Input should be a valid integer');
  }
  if (value < 1) throw validationError('max_tokens: Input should be greater than or equal to 1');
  if (value > model.maxOutputTokens) {
    throw validationError(
      `max_tokens: ${value} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${model.anthropicName}`,
    );
  }
  return value;
}

/** Handles an InvokeModel request; throws an {@link EmulatedServiceError} on bad input. */
export async function handleInvoke(
  model: ModelSpec,
  rawBody: string,
  context: HandlerContext,
): Promise<HandlerReply> {
  const started = Date.now();
  const body = parseJsonObject(rawBody);
  const malformed = schemaViolations(model.provider, body);
  if (malformed) throw malformed;
  if (model.provider !== 'anthropic') {
    throw validationError('Malformed input request, please reformat your input and try again.');
  }
  checkVersion(body.anthropic_version);
  const maxTokens = maxTokensOf(model, body.max_tokens);
  const conversation = toConversation(body);
  validateSampling('invoke', model, body);
  const { input, generation } = await answerConversation(
    'invoke',
    model,
    conversation,
    maxTokens,
    stringList(body.stop_sequences),
    context,
  );
  return {
    body: {
      id: `msg_bdrk_${randomBytes(12).toString('hex')}`,
      type: 'message',
      role: 'assistant',
      model: model.anthropicName,
      content: generation.text === '' ? [] : [{ type: 'text', text: generation.text }],
      stop_reason: generation.stopReason,
      stop_sequence: generation.stopReason === 'stop_sequence' ? (generation.stopSequence ?? null) : null,
      usage: {
        input_tokens: input.uncached,
        output_tokens: generation.outputTokens,
        cache_creation_input_tokens: input.written,
        cache_read_input_tokens: input.read,
      },
    },
    headers: {
      'x-amzn-bedrock-input-token-count': String(input.uncached),
      'x-amzn-bedrock-output-token-count': String(generation.outputTokens),
      'x-amzn-bedrock-invocation-latency': String(Date.now() - started),
    },
  };
}
