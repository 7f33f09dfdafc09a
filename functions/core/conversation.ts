import type { ChatTurn, ContinuationMode, ContinuationStrategy, JobConfig } from './job-config';

/**
 * The user turn of the `instruction` strategy. It asks for the raw continuation only, because the join
 * can remove a repeated overlap or an obvious preamble but cannot undo anything else the model adds.
 */
export const CONTINUE_INSTRUCTION =
  'Your previous response was cut off by the output limit. Continue it exactly where it stopped, ' +
  'starting with the very next character. Do not repeat any text you already wrote, do not summarize, ' +
  'and do not add any introduction or commentary: output only the continuation.';

/** The strategy a round uses: `auto` keeps the one recorded on the job, starting with `prefill` (DESIGN §5). */
export function resolveStrategy(
  mode: ContinuationMode,
  recorded: ContinuationStrategy | undefined,
): ContinuationStrategy {
  return mode === 'auto' ? (recorded ?? 'prefill') : mode;
}

/**
 * The strategy one round uses: the job's (see {@link resolveStrategy}), except after a prefill round that
 * produced only white space. Prefill sends the text with trailing white space removed, so with tiny rounds
 * the model would write that same white space again and again; that one round is sent in instruction
 * mode, which sends the text as it is, and the next round goes back to the job's strategy.
 */
export function chooseRoundStrategy(
  mode: ContinuationMode,
  recorded: ContinuationStrategy | undefined,
  documentSoFar: string,
  noProgressRounds: number,
): ContinuationStrategy {
  const strategy = resolveStrategy(mode, recorded);
  const stuckOnWhiteSpace =
    strategy === 'prefill' &&
    noProgressRounds > 0 &&
    prefillText(documentSoFar).length < documentSoFar.length;
  return stuckOnWhiteSpace ? 'instruction' : strategy;
}

/**
 * The text a `prefill` round sends as its final assistant turn: Bedrock rejects a final assistant turn
 * that ends in white space, so it is trimmed here and the join keeps exactly this much of the document.
 */
export function prefillText(documentSoFar: string): string {
  return documentSoFar.trimEnd();
}

/**
 * The conversation that asks for the next round. Round 1 (nothing written yet) sends the job's
 * messages; later rounds add the document so far as `strategy` prescribes. Never emits an empty or
 * whitespace-only text, and merges consecutive turns of the same role (Bedrock requires alternation).
 */
export function buildConversation(
  config: JobConfig,
  documentSoFar: string,
  strategy: ContinuationStrategy,
): ChatTurn[] {
  const turns: ChatTurn[] = [...config.messages];
  if (strategy === 'prefill') {
    turns.push({ role: 'assistant', text: prefillText(documentSoFar) });
  } else if (documentSoFar.trim() !== '') {
    turns.push({ role: 'assistant', text: documentSoFar }, { role: 'user', text: CONTINUE_INSTRUCTION });
  }
  return mergeTurns(turns);
}

function mergeTurns(turns: readonly ChatTurn[]): ChatTurn[] {
  const merged: ChatTurn[] = [];
  for (const turn of turns) {
    if (turn.text.trim() === '') continue;
    const last = merged.at(-1);
    if (last && last.role === turn.role) {
      merged[merged.length - 1] = { role: last.role, text: `${last.text}\n\n${turn.text}` };
    } else {
      merged.push(turn);
    }
  }
  return merged;
}
