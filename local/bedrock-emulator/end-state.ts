/**
 * Prompt directives that make the emulated model end a job the way a real model can, once the document
 * has reached a given length (the emulator keeps no state between requests, so the length of the
 * assistant turns a request carries is what says how far the job has come):
 *
 * - `[emulator:stop=REASON@N]`: a request whose assistant turns hold at least N tokens is answered as
 *   usual but ends with stop reason REASON: `model_context_window_exceeded` or `refusal` (both APIs),
 *   `guardrail_intervened` or `content_filtered` (Converse only: the Anthropic Messages body of
 *   InvokeModel has no such `stop_reason`).
 * - `[emulator:fail=content-filter@N]`: such a request is refused with 400 "Output blocked by content
 *   filtering policy".
 *
 * The directive goes in the first user prompt, like `[emulator:tokens=N]`.
 */
import { type Conversation, turnText } from './conversation';
import { type ApiKind, validationError } from './service-error';
import { countTokens } from './tokenizer';

/** Stop reasons a directive can make the model end with. */
export type EndStateReason =
  | 'model_context_window_exceeded'
  | 'refusal'
  | 'guardrail_intervened'
  | 'content_filtered';

const STOP_REASONS: Readonly<Record<EndStateReason, readonly ApiKind[]>> = {
  model_context_window_exceeded: ['converse', 'invoke'],
  refusal: ['converse', 'invoke'],
  guardrail_intervened: ['converse'],
  content_filtered: ['converse'],
};

const DIRECTIVE = /\[emulator:(stop|fail)=([a-z_-]+)@(\d+)\]/;

function isEndStateReason(value: string): value is EndStateReason {
  return Object.hasOwn(STOP_REASONS, value);
}

/** Tokens of every assistant turn: the document so far, however the client sent it. */
function assistantTokens(conversation: Conversation): number {
  return conversation.messages
    .filter((turn) => turn.role === 'assistant')
    .reduce((sum, turn) => sum + countTokens(turnText(turn)), 0);
}

/**
 * The stop reason a directive in the first user prompt imposes on this request, or `undefined`.
 * @throws the content-filter 400 for a `fail=content-filter` directive that applies, or a 400 naming a
 * directive the emulator cannot follow (so a test that misspells one fails loudly).
 */
export function endStateFor(api: ApiKind, conversation: Conversation): EndStateReason | undefined {
  const first = conversation.messages[0];
  const match = first ? DIRECTIVE.exec(turnText(first)) : null;
  if (!match) return undefined;
  const [directive, kind, value = '', at] = match;
  const known =
    kind === 'fail'
      ? value === 'content-filter'
      : isEndStateReason(value) && STOP_REASONS[value].includes(api);
  if (!known) {
    throw validationError(
      `The emulator cannot follow ${directive} on ${api === 'converse' ? 'Converse' : 'InvokeModel'}.`,
    );
  }
  if (assistantTokens(conversation) < Number(at)) return undefined;
  if (kind === 'fail') throw validationError('Output blocked by content filtering policy');
  return value as EndStateReason;
}
