import type { ChatTurn, JobConfig } from './job-config';

/** A Converse request as plain data (the adapter hands it to the SDK's ConverseCommand). */
export interface ConverseRequest {
  modelId: string;
  messages: { role: 'user' | 'assistant'; content: { text: string }[] }[];
  system?: { text: string }[];
  inferenceConfig: { maxTokens: number; temperature?: number; topP?: number; stopSequences?: string[] };
  additionalModelRequestFields?: Record<string, unknown>;
}

/** The Anthropic Messages body that InvokeModel sends to Claude models on Bedrock. */
export interface AnthropicMessagesBody {
  anthropic_version: 'bedrock-2023-05-31';
  max_tokens: number;
  messages: { role: 'user' | 'assistant'; content: { type: 'text'; text: string }[] }[];
  system?: string;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
}

/**
 * The Converse request for one round. Sampling fields are sent only when the job gave them (newer
 * Claude models reject them); Converse has no `topK`, so it goes in `additionalModelRequestFields`.
 */
export function buildConverseRequest(config: JobConfig, conversation: ChatTurn[]): ConverseRequest {
  const inferenceConfig: ConverseRequest['inferenceConfig'] = { maxTokens: config.maxTokensPerRound };
  if (config.temperature !== undefined) inferenceConfig.temperature = config.temperature;
  if (config.topP !== undefined) inferenceConfig.topP = config.topP;
  if (config.stopSequences.length > 0) inferenceConfig.stopSequences = [...config.stopSequences];
  const request: ConverseRequest = {
    modelId: config.modelId,
    messages: conversation.map(({ role, text }) => ({ role, content: [{ text }] })),
    inferenceConfig,
  };
  if (config.system !== undefined) request.system = [{ text: config.system }];
  if (config.topK !== undefined) request.additionalModelRequestFields = { top_k: config.topK };
  return request;
}

/** The InvokeModel body for one round of an `api: "invoke"` job; optional fields only when given. */
export function buildAnthropicBody(config: JobConfig, conversation: ChatTurn[]): AnthropicMessagesBody {
  const body: AnthropicMessagesBody = {
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: config.maxTokensPerRound,
    messages: conversation.map(({ role, text }) => ({ role, content: [{ type: 'text', text }] })),
  };
  if (config.system !== undefined) body.system = config.system;
  if (config.stopSequences.length > 0) body.stop_sequences = [...config.stopSequences];
  if (config.temperature !== undefined) body.temperature = config.temperature;
  if (config.topP !== undefined) body.top_p = config.topP;
  if (config.topK !== undefined) body.top_k = config.topK;
  return body;
}
