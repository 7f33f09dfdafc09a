import { type CachePolicy, cachePolicy, type SentTurn, sentTurns } from './cache-points';
import type { ChatTurn, JobConfig } from './job-config';

/** A Converse content block Longform sends: text, or a cache point after the blocks before it. */
export type ConverseContentBlock = { text: string } | { cachePoint: { type: 'default'; ttl?: '1h' } };

/** An Anthropic text block; `cache_control` marks a cache point after it. */
export interface AnthropicTextBlock {
  type: 'text';
  text: string;
  cache_control?: { type: 'ephemeral' };
}

/** A Converse request as plain data (the streaming adapter hands it to the SDK's ConverseStreamCommand). */
export interface ConverseRequest {
  modelId: string;
  messages: { role: 'user' | 'assistant'; content: ConverseContentBlock[] }[];
  system?: { text: string }[];
  inferenceConfig: { maxTokens: number; temperature?: number; topP?: number; stopSequences?: string[] };
  additionalModelRequestFields?: Record<string, unknown>;
}

/** The Anthropic Messages body that InvokeModel sends to Claude models on Bedrock. */
export interface AnthropicMessagesBody {
  anthropic_version: 'bedrock-2023-05-31';
  max_tokens: number;
  messages: { role: 'user' | 'assistant'; content: AnthropicTextBlock[] }[];
  system?: string;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
}

/** The turns of a round as blocks, with the job's cache points (see `cache-points.ts`). */
function roundTurns(
  config: JobConfig,
  conversation: ChatTurn[],
): { turns: SentTurn[]; policy?: CachePolicy } {
  const policy = cachePolicy(config);
  return { turns: sentTurns(config, conversation, policy), ...(policy ? { policy } : {}) };
}

/**
 * The Converse request for one round. Sampling fields are sent only when the job gave them (newer
 * Claude models reject them); Converse has no `topK`, so it goes in `additionalModelRequestFields`.
 * The document goes as blocks with cache points (docs/architecture.md, "Prompt caching").
 */
export function buildConverseRequest(config: JobConfig, conversation: ChatTurn[]): ConverseRequest {
  const inferenceConfig: ConverseRequest['inferenceConfig'] = { maxTokens: config.maxTokensPerRound };
  if (config.temperature !== undefined) inferenceConfig.temperature = config.temperature;
  if (config.topP !== undefined) inferenceConfig.topP = config.topP;
  if (config.stopSequences.length > 0) inferenceConfig.stopSequences = [...config.stopSequences];
  const { turns, policy } = roundTurns(config, conversation);
  // The 5-minute TTL is the default: a field only for the hour.
  const ttl = policy?.ttl === '1h' ? { ttl: '1h' as const } : {};
  const request: ConverseRequest = {
    modelId: config.modelId,
    messages: turns.map(({ role, blocks }) => ({
      role,
      content: blocks.map((block) =>
        'text' in block ? { text: block.text } : { cachePoint: { type: 'default', ...ttl } },
      ),
    })),
    inferenceConfig,
  };
  if (config.system !== undefined) request.system = [{ text: config.system }];
  if (config.topK !== undefined) request.additionalModelRequestFields = { top_k: config.topK };
  return request;
}

/**
 * The InvokeModel body for one round of an `api: "invoke"` job; optional fields only when given. A cache
 * point is `cache_control` on the block before it, always the 5-minute one (a TTL field in InvokeModel's
 * `cache_control` is not documented for Bedrock).
 */
export function buildAnthropicBody(config: JobConfig, conversation: ChatTurn[]): AnthropicMessagesBody {
  const body: AnthropicMessagesBody = {
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: config.maxTokensPerRound,
    messages: roundTurns(config, conversation).turns.map(({ role, blocks }) => {
      const content: AnthropicTextBlock[] = [];
      for (const block of blocks) {
        if ('text' in block) content.push({ type: 'text', text: block.text });
        else (content.at(-1) as AnthropicTextBlock).cache_control = { type: 'ephemeral' };
      }
      return { role, content };
    }),
  };
  if (config.system !== undefined) body.system = config.system;
  if (config.stopSequences.length > 0) body.stop_sequences = [...config.stopSequences];
  if (config.temperature !== undefined) body.temperature = config.temperature;
  if (config.topP !== undefined) body.top_p = config.topP;
  if (config.topK !== undefined) body.top_k = config.topK;
  return body;
}
