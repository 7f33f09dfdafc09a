import { type ConversationOptions, prefillText } from './conversation';
import { CorruptDocumentError } from './errors';
import type { ContinuationStrategy, JobConfig } from './job-config';
import { alignReply } from './reply-alignment';
import { instructionResumePoint } from './resume-point';
import type { SeamRule } from './seam-rule';

/** How a round's raw text joins the document, and whether a stop sequence ended the document at the seam. */
export interface JoinResult {
  seam: SeamRule;
  /** A stop sequence occurs across (or after) the seam; the document was cut before it. */
  stoppedAtSequence: boolean;
  /** Length change of the document (negative when a stop sequence cut into the previous text). */
  addedCharacters: number;
  /** False when an instruction reply did not hold the quoted tail, so nothing of it joined. */
  replyPlaced: boolean;
}

/**
 * Decides how a round's raw `chunk` joins `documentSoFar` under the strategy that produced it
 * (docs/architecture.md, "Continuation strategies"), then ends the document at the earliest stop
 * sequence that the seam created. `config` and `options` must be those the round's conversation was
 * built with.
 */
export function joinChunk(
  strategy: ContinuationStrategy,
  documentSoFar: string,
  chunk: string,
  config: Pick<JobConfig, 'stopSequences' | 'maxTokensPerRound'>,
  options: ConversationOptions = {},
): JoinResult {
  const joined =
    strategy === 'prefill'
      ? { keepPrevious: prefillText(documentSoFar).length, chunkFrom: 0, chunkTo: chunk.length }
      : instructionSeam(documentSoFar, chunk, config.maxTokensPerRound, options.strict === true);
  const placed = joined ?? unchanged(documentSoFar, chunk);
  const cut = cutAtStopSequence(documentSoFar, chunk, placed, config.stopSequences);
  const seam = cut ?? placed;
  return {
    seam,
    stoppedAtSequence: cut !== undefined,
    addedCharacters: seam.keepPrevious + (seam.chunkTo - seam.chunkFrom) - documentSoFar.length,
    replyPlaced: joined !== undefined,
  };
}

/**
 * The document after a round: `documentSoFar.slice(0, keepPrevious) + chunk.slice(chunkFrom, chunkTo)`.
 * @throws CorruptDocumentError when the seam does not fit the texts.
 */
export function applySeam(documentSoFar: string, chunk: string, seam: SeamRule): string {
  checkSeam(seam, documentSoFar.length, chunk.length);
  return documentSoFar.slice(0, seam.keepPrevious) + chunk.slice(seam.chunkFrom, seam.chunkTo);
}

/**
 * Checks that a seam fits a document of `documentLength` and a chunk of `chunkLength` characters.
 * @throws CorruptDocumentError otherwise: a stored seam that does not fit means the stored rounds are damaged.
 */
export function checkSeam(seam: SeamRule, documentLength: number, chunkLength: number): void {
  const { keepPrevious, chunkFrom, chunkTo } = seam;
  const fits =
    Number.isInteger(keepPrevious) &&
    Number.isInteger(chunkFrom) &&
    Number.isInteger(chunkTo) &&
    keepPrevious >= 0 &&
    keepPrevious <= documentLength &&
    chunkFrom >= 0 &&
    chunkFrom <= chunkTo &&
    chunkTo <= chunkLength;
  if (!fits) {
    throw new CorruptDocumentError(
      `Seam ${JSON.stringify(seam)} does not fit a document of ${documentLength} and a round of ${chunkLength} characters`,
    );
  }
}

/** The seam that leaves the document as it was. */
function unchanged(documentSoFar: string, chunk: string): SeamRule {
  return { keepPrevious: documentSoFar.length, chunkFrom: chunk.length, chunkTo: chunk.length };
}

/**
 * The seam of an instruction round: the document is kept up to the resume point and the reply joins from
 * where it repeats the quoted tail. A reply that does not reach past the tail adds nothing, so the
 * document stays as it was; one that does not hold the tail at all cannot be placed (undefined), and
 * the round is asked again, strictly, whatever stop reason the model gave.
 */
function instructionSeam(
  documentSoFar: string,
  chunk: string,
  maxTokensPerRound: number,
  strict: boolean,
): SeamRule | undefined {
  const resume = instructionResumePoint(documentSoFar, maxTokensPerRound, strict);
  // No resume point: the model saw the whole document (or, for white space only, none of it), so what it
  // wrote belongs after exactly that text.
  if (!resume) return { keepPrevious: documentSoFar.length, chunkFrom: 0, chunkTo: chunk.length };
  const at = alignReply(documentSoFar.slice(0, resume.sentLength), resume, chunk);
  if (at === undefined) return undefined;
  if (chunk.length - at <= resume.tail.trimEnd().length) return unchanged(documentSoFar, chunk);
  return { keepPrevious: resume.sentLength, chunkFrom: at, chunkTo: chunk.length };
}

/**
 * The seam that ends the document just before the earliest stop sequence that is not wholly inside the
 * kept previous text (those were dealt with in earlier rounds), or undefined when there is none.
 * Only the tail that such an occurrence can touch is searched, so the cost does not grow with the document.
 */
function cutAtStopSequence(
  documentSoFar: string,
  chunk: string,
  seam: SeamRule,
  stopSequences: readonly string[],
): SeamRule | undefined {
  const sequences = stopSequences.filter((sequence) => sequence !== '');
  if (sequences.length === 0) return undefined;
  const longest = Math.max(...sequences.map((sequence) => sequence.length));
  const windowStart = Math.max(0, seam.keepPrevious - longest + 1);
  const window =
    documentSoFar.slice(windowStart, seam.keepPrevious) + chunk.slice(seam.chunkFrom, seam.chunkTo);
  const seamInWindow = seam.keepPrevious - windowStart;
  let earliest = Number.POSITIVE_INFINITY;
  for (const sequence of sequences) {
    const from = Math.max(0, seamInWindow - sequence.length + 1);
    const at = window.indexOf(sequence, from);
    if (at !== -1 && at < earliest) earliest = at;
  }
  if (earliest === Number.POSITIVE_INFINITY) return undefined;
  const cutAt = windowStart + earliest;
  if (cutAt < seam.keepPrevious) {
    return { keepPrevious: cutAt, chunkFrom: seam.chunkFrom, chunkTo: seam.chunkFrom };
  }
  return {
    keepPrevious: seam.keepPrevious,
    chunkFrom: seam.chunkFrom,
    chunkTo: seam.chunkFrom + cutAt - seam.keepPrevious,
  };
}
