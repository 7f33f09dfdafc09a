/**
 * What the emulated model writes for a validated request: the next `maxTokens` tokens of the target
 * document, starting where the assistant text stops matching it.
 */
import { type Conversation, turnText } from './conversation';
import { type InstructionQuirks, instructionQuirks } from './instruction-quirks';
import { targetDocument } from './target-document';
import { splitsSurrogatePair, tokenEnd } from './tokenizer';

/** Everything generation depends on. */
export interface GenerationInput {
  /** Validated: starts with a user turn and alternates. */
  readonly conversation: Conversation;
  readonly maxTokens: number;
  readonly stopSequences?: readonly string[];
  /** Document length when the first user prompt has no `[emulator:tokens=N]` directive. */
  readonly documentTokens?: number;
  /** Applied only in instruction mode (assistant turn followed by a final user turn). */
  readonly quirks?: InstructionQuirks;
}

/** Stop reasons the emulated model produces. */
export type EmulatedStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence';

/** The model's answer. */
export interface Generation {
  readonly text: string;
  readonly stopReason: EmulatedStopReason;
  /** The stop sequence that ended the answer, when `stopReason` is `stop_sequence`. */
  readonly stopSequence?: string;
  readonly outputTokens: number;
}

/** Length of the longest common prefix of `document` and `text`, never inside a surrogate pair. */
export function matchedLength(document: string, text: string): number {
  const limit = Math.min(document.length, text.length);
  let i = 0;
  while (i < limit && document.charCodeAt(i) === text.charCodeAt(i)) i++;
  return splitsSurrogatePair(document, i) ? i - 1 : i;
}

/**
 * Takes up to `budget` tokens of `source` from `from`, recording each token's end as an offset into the
 * generated text (which holds this span at `offset`). Returns where the span ends in `source`.
 */
function takeInto(source: string, from: number, budget: number, offset: number, ends: number[]): number {
  let position = from;
  for (let taken = 0; taken < budget && position < source.length; taken++) {
    position = tokenEnd(source, position);
    ends.push(offset + position - from);
  }
  return position;
}

function applyStopSequences(
  text: string,
  ends: readonly number[],
  reachedEnd: boolean,
  stopSequences: readonly string[],
): Generation {
  let cut = -1;
  let matched: string | undefined;
  for (const sequence of stopSequences) {
    const at = sequence === '' ? -1 : text.indexOf(sequence);
    if (at >= 0 && (cut < 0 || at < cut)) {
      cut = at;
      matched = sequence;
    }
  }
  if (matched === undefined) {
    return { text, stopReason: reachedEnd ? 'end_turn' : 'max_tokens', outputTokens: ends.length };
  }
  const sequenceEnd = cut + matched.length;
  const outputTokens = ends.findIndex((end) => end >= sequenceEnd) + 1;
  return { text: text.slice(0, cut), stopReason: 'stop_sequence', stopSequence: matched, outputTokens };
}

/**
 * Generates the answer. The assistant text A is the final assistant turn (prefill) or the assistant
 * turn before the final user turn (instruction mode); generation continues the target document after
 * the longest prefix of A that matches it, so a corrupted A shows up as a wrong continuation.
 */
export function generateContinuation(input: GenerationInput): Generation {
  const { system, messages } = input.conversation;
  const first = messages[0];
  const document = targetDocument({
    system,
    prompt: first ? turnText(first) : '',
    defaultTokens: input.documentTokens,
  });
  const last = messages.at(-1);
  const beforeLast = messages.at(-2);
  const prefill = messages.length > 1 && last?.role === 'assistant' ? turnText(last) : undefined;
  const instructed =
    prefill === undefined && beforeLast?.role === 'assistant' ? turnText(beforeLast) : undefined;
  const assistantText = prefill ?? instructed ?? '';
  const start = matchedLength(document, assistantText);

  const quirk =
    instructed !== undefined && input.quirks
      ? instructionQuirks(
          input.quirks,
          instructed,
          document.slice(start, start + 256),
          `${instructed}\u0000${last ? turnText(last) : ''}\u0000${input.maxTokens}`,
        )
      : { prefix: '', skip: 0 };
  const quirkText = quirk.prefix;
  const bodyStart = start + quirk.skip;
  const ends: number[] = [];
  const quirkEnd = takeInto(quirkText, 0, input.maxTokens, 0, ends);
  const bodyEnd = takeInto(document, bodyStart, input.maxTokens - ends.length, quirkEnd, ends);
  const text = quirkText.slice(0, quirkEnd) + document.slice(bodyStart, bodyEnd);
  const reachedEnd = quirkEnd === quirkText.length && bodyEnd === document.length;
  return applyStopSequences(text, ends, reachedEnd, input.stopSequences ?? []);
}
