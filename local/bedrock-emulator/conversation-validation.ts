/**
 * The checks Bedrock and the models apply to a conversation, with the real status, exception name and
 * message text. Bedrock-level messages are the same for every model; model-level (Claude) messages are
 * wrapped by Converse and passed through by InvokeModel (see {@link modelValidationError}).
 */
import type { Conversation } from './conversation';
import type { ModelSpec } from './model-catalog';
import { type ApiKind, modelValidationError, validationError } from './service-error';
import { countTokens } from './tokenizer';

const CONVERSE_MUST_START_WITH_USER =
  'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
const CONVERSE_MUST_ALTERNATE =
  'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
const LLAMA_LAST_TURN_MUST_BE_USER =
  'The model that you are using requires the last turn in the conversation to be a user message. Add a user message to the conversation and try again.';
const CLAUDE_NO_PREFILL =
  'This model does not support assistant message prefill. The conversation must end with a user message.';
const TRAILING_WHITESPACE = 'messages: final assistant content cannot end with trailing whitespace';
const NON_WHITESPACE_TEXT = 'messages: text content blocks must contain non-whitespace text';

function checkRoles(api: ApiKind, conversation: Conversation): void {
  const { messages } = conversation;
  if (messages.length === 0) {
    throw api === 'converse'
      ? validationError(CONVERSE_MUST_START_WITH_USER)
      : validationError('messages: at least one message is required');
  }
  for (const [i, turn] of messages.entries()) {
    if (turn.role === 'user' || turn.role === 'assistant') continue;
    throw validationError(
      api === 'converse'
        ? `1 validation error detected: Value '${turn.role}' at 'messages.${i + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`
        : `messages.${i}.role: Input should be 'user' or 'assistant'`,
    );
  }
  if (messages[0]?.role !== 'user') {
    throw validationError(
      api === 'converse' ? CONVERSE_MUST_START_WITH_USER : 'messages: first message must use the "user" role',
    );
  }
  for (let i = 1; i < messages.length; i++) {
    const role = messages[i]?.role;
    if (role !== messages[i - 1]?.role) continue;
    throw validationError(
      api === 'converse'
        ? CONVERSE_MUST_ALTERNATE
        : `messages: roles must alternate between "user" and "assistant", but found multiple "${role}" roles in a row`,
    );
  }
}

function checkTextBlocks(api: ApiKind, model: ModelSpec, conversation: Conversation): void {
  for (const [i, turn] of conversation.messages.entries()) {
    if (turn.texts.length === 0) {
      throw validationError(
        api === 'converse'
          ? `The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`
          : 'messages: text content blocks must be non-empty',
      );
    }
    for (const [j, text] of turn.texts.entries()) {
      if (text.trim() !== '') continue;
      const blank = `The text field in the ContentBlock object at messages.${i}.content.${j} is blank. Add text to the text field, and try again.`;
      if (api === 'converse') {
        // Bedrock itself rejects empty text; whitespace-only text gets through to Claude, which rejects it.
        throw text === '' || model.provider !== 'anthropic'
          ? validationError(blank)
          : modelValidationError(api, NON_WHITESPACE_TEXT);
      }
      throw validationError(
        text === '' ? 'messages: text content blocks must be non-empty' : NON_WHITESPACE_TEXT,
      );
    }
  }
}

function checkFinalAssistantTurn(api: ApiKind, model: ModelSpec, conversation: Conversation): void {
  const last = conversation.messages.at(-1);
  if (last?.role !== 'assistant') return;
  if (model.prefill === 'rejected-llama') throw validationError(LLAMA_LAST_TURN_MUST_BE_USER);
  if (model.prefill === 'rejected-claude') throw modelValidationError(api, CLAUDE_NO_PREFILL);
  if (/\s$/u.test(last.texts.at(-1) ?? '')) throw modelValidationError(api, TRAILING_WHITESPACE);
}

/** Input tokens of a conversation: every system and message text, counted with the emulator's tokenizer. */
export function inputTokens(conversation: Conversation): number {
  let total = countTokens(conversation.system);
  for (const turn of conversation.messages) for (const text of turn.texts) total += countTokens(text);
  return total;
}

function checkContextWindow(api: ApiKind, model: ModelSpec, input: number, maxTokens: number): void {
  const limit = model.contextWindow;
  if (input + maxTokens <= limit) return;
  if (model.provider !== 'anthropic') throw validationError('Input is too long for requested model.');
  throw modelValidationError(
    api,
    input > limit
      ? `prompt is too long: ${input} tokens > ${limit} maximum`
      : `input length and \`max_tokens\` exceed context limit: ${input} + ${maxTokens} > ${limit}, decrease input length or \`max_tokens\` and try again`,
  );
}

/**
 * Validates roles, text blocks, the final assistant turn and the context window, in the order the real
 * service reports them. Returns the input token count. Throws an {@link EmulatedServiceError}.
 */
export function validateConversation(
  api: ApiKind,
  model: ModelSpec,
  conversation: Conversation,
  maxTokens: number,
): number {
  checkRoles(api, conversation);
  checkTextBlocks(api, model, conversation);
  checkFinalAssistantTurn(api, model, conversation);
  const input = inputTokens(conversation);
  checkContextWindow(api, model, input, maxTokens);
  return input;
}

/** Sampling fields of a request, by their Anthropic names. */
export interface SamplingFields {
  readonly temperature?: unknown;
  readonly top_p?: unknown;
  readonly top_k?: unknown;
}

/**
 * Rejects sampling fields the model does not accept: any of them on Opus 4.7 and later, Sonnet 5 and
 * Fable 5; `temperature` with `top_p` on Haiku 4.5, Sonnet 4.5, Opus 4.6 and Sonnet 4.6.
 */
export function validateSampling(api: ApiKind, model: ModelSpec, fields: SamplingFields): void {
  if (model.sampling === 'none') {
    const given = (['temperature', 'top_p', 'top_k'] as const).find((field) => fields[field] !== undefined);
    if (given) throw modelValidationError(api, `${given} is deprecated for this model.`);
  }
  if (
    model.sampling === 'temperature-or-top-p' &&
    fields.temperature !== undefined &&
    fields.top_p !== undefined
  ) {
    throw modelValidationError(
      api,
      '`temperature` and `top_p` cannot both be specified for this model. Please use only one.',
    );
  }
}
