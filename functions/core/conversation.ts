import type { ChatTurn, ContinuationMode, ContinuationStrategy, JobConfig } from './job-config';
import { instructionResumePoint } from './resume-point';

/**
 * The user turn of an `instruction` round without a resume point (rounds too small to quote a tail):
 * the whole document was sent, and the reply is appended as it is.
 */
export const CONTINUE_INSTRUCTION =
  'Your previous response was cut off by the output limit. Continue it exactly where it stopped, ' +
  'starting with the very next character, and output only the continuation.';

/**
 * The user turn of an `instruction` round (docs/architecture.md, "Continuation strategies"): the end of
 * the interrupted text is quoted, as Anthropic advises for models without prefill, and the reply must
 * begin with it. The join finds the quote in the reply, so whatever the model puts before it is dropped
 * and the seam never depends on white space the model may leave out. `strict` is the wording for the
 * retry after a round that could not be placed.
 */
export function resumeInstruction(tail: string, strict: boolean): string {
  const retry = strict
    ? 'Your last reply did not begin with the quoted text, so it could not be used. '
    : 'Your previous response was cut off by the output limit. ';
  return (
    `${retry}Continue the document from the quoted point: begin your reply with exactly the text ` +
    'between the <resume_from> tags, character for character, and go on writing the document from there. ' +
    'Write nothing before it — no introduction, no commentary, no repeated text, no code fence that is ' +
    `already open — and output only document text.\n\n<resume_from>${tail}</resume_from>`
  );
}

/** How a round asks: `strict` after a round that added nothing (see {@link resumeInstruction}). */
export interface ConversationOptions {
  strict?: boolean;
}

/** The strategy a round uses: `auto` keeps the one recorded on the job, starting with `prefill` (docs/architecture.md, "Continuation strategies"). */
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
 * messages; later rounds add the document so far as `strategy` prescribes: `prefill` as the final
 * assistant turn, `instruction` up to its resume point, with the rest quoted in the user turn. Never
 * emits an empty or whitespace-only text, and merges consecutive turns of the same role (Bedrock
 * requires alternation).
 */
export function buildConversation(
  config: JobConfig,
  documentSoFar: string,
  strategy: ContinuationStrategy,
  options: ConversationOptions = {},
): ChatTurn[] {
  const turns: ChatTurn[] = [...config.messages];
  if (strategy === 'prefill') {
    turns.push({ role: 'assistant', text: prefillText(documentSoFar) });
  } else if (documentSoFar.trim() !== '') {
    const strict = options.strict === true;
    const resume = instructionResumePoint(documentSoFar, config.maxTokensPerRound, strict);
    // With little text the sent part may be only white space: mergeTurns drops it, and the quote is all.
    turns.push(
      { role: 'assistant', text: documentSoFar.slice(0, resume?.sentLength) },
      {
        role: 'user',
        text: resume ? resumeInstruction(resume.tail, strict) : CONTINUE_INSTRUCTION,
      },
    );
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
