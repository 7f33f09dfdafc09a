import { CorruptDocumentError } from './errors';
import { MAX_REWIND_CHARS } from './resume-point';
import { applySeam, checkSeam } from './seam';
import type { SeamRule } from './seam-rule';
import { isHighSurrogate } from './utf8';

const WHITE_SPACE = /\s/;

/**
 * Folds stored rounds into the document as a stream: each `push` returns the text no later seam can
 * change any more, so a reader can write it out and forget it. A later seam can cut back to the end of
 * the document without trailing white space (prefill trims it), minus an instruction round's rewind
 * or a stop sequence that straddles the seam, so that tail, plus both bounds, stays pending. The result equals folding `applySeam`.
 * (A stop-sequence cut ends the job, so no round follows one; that is what makes the hold-back enough.)
 */
export class DocumentAssembler {
  readonly #holdBackChars: number;
  /** Pending text after the emitted part, as pieces so that cutting back never copies the whole tail. */
  #pieces: string[] = [];
  #pendingLength = 0;
  #emittedLength = 0;

  /**
   * @param holdBackChars extra tail kept back for later seams: the longest stop sequence's length. The
   * most an instruction round's resume point cuts back is always added.
   */
  constructor(holdBackChars: number) {
    this.#holdBackChars = holdBackChars + MAX_REWIND_CHARS;
  }

  /** Current length of the whole document (emitted and pending). */
  get length(): number {
    return this.#emittedLength + this.#pendingLength;
  }

  /**
   * Applies one round and returns the text that is now final (possibly empty).
   * @throws CorruptDocumentError when the seam does not fit, or cuts into text already returned.
   */
  push(chunk: string, seam: SeamRule): string {
    checkSeam(seam, this.length, chunk.length);
    if (seam.keepPrevious < this.#emittedLength) {
      throw new CorruptDocumentError(
        `Seam keeps ${seam.keepPrevious} characters but ${this.#emittedLength} were already final; the stored rounds do not match their seams`,
      );
    }
    this.#truncatePending(seam.keepPrevious - this.#emittedLength);
    this.#append(chunk.slice(seam.chunkFrom, seam.chunkTo));
    return this.#emitUpTo(this.#trimmedPendingLength() - this.#holdBackChars);
  }

  /** Returns the rest of the document; the assembler is empty afterwards. */
  finish(): string {
    return this.#emitUpTo(this.#pendingLength);
  }

  #append(text: string): void {
    if (text === '') return;
    this.#pieces.push(text);
    this.#pendingLength += text.length;
  }

  #truncatePending(length: number): void {
    while (this.#pendingLength > length) {
      const last = this.#pieces.pop() ?? '';
      this.#pendingLength -= last.length;
      if (this.#pendingLength < length) {
        this.#append(last.slice(0, length - this.#pendingLength));
      }
    }
  }

  /** Pending length without trailing white space (the same set String.prototype.trimEnd removes). */
  #trimmedPendingLength(): number {
    let length = this.#pendingLength;
    for (let p = this.#pieces.length - 1; p >= 0; p--) {
      const piece = this.#pieces[p] ?? '';
      let i = piece.length - 1;
      while (i >= 0 && WHITE_SPACE.test(piece.charAt(i))) i--;
      length -= piece.length - 1 - i;
      if (i >= 0) break;
    }
    return length;
  }

  /** Removes and returns the first `count` pending characters, never splitting a surrogate pair. */
  #emitUpTo(count: number): string {
    let take = Math.min(count, this.#pendingLength);
    if (take <= 0) return '';
    const joined = this.#pieces.join('');
    if (take < joined.length && isHighSurrogate(joined.charCodeAt(take - 1))) take--;
    this.#pieces = take < joined.length ? [joined.slice(take)] : [];
    this.#pendingLength = joined.length - take;
    this.#emittedLength += take;
    return joined.slice(0, take);
  }
}

/** The whole document from its stored rounds, in order: the fold of `applySeam` over them. */
export function assembleDocument(rounds: Iterable<{ text: string; seam: SeamRule }>): string {
  const assembler = new DocumentAssembler(Number.POSITIVE_INFINITY);
  let document = '';
  for (const round of rounds) document += assembler.push(round.text, round.seam);
  return document + assembler.finish();
}

/** The document through round `round`: the fold of the stored rounds 1 to `round`. */
export interface AssembledDocument {
  round: number;
  text: string;
}

/** The document before round 1. */
export const EMPTY_DOCUMENT: AssembledDocument = { round: 0, text: '' };

/**
 * Folds the rounds that follow `document.round`, in order, onto it: `applySeam` round by round, so
 * the result is the document through the last of them, whatever fold `document` came from.
 * @throws CorruptDocumentError when a round is missing (a gap is never a shorter document).
 */
export function foldRounds(
  document: AssembledDocument,
  rounds: Iterable<{ round: number; text: string; seam: SeamRule }>,
): AssembledDocument {
  let { round, text } = document;
  for (const next of rounds) {
    checkRoundOrder(round, next.round);
    text = applySeam(text, next.text, next.seam);
    round = next.round;
  }
  return { round, text };
}

/**
 * Stored rounds fold in order from round 1: `next` must follow `previous`.
 * @throws CorruptDocumentError when a round is missing (a gap is never a shorter document).
 */
export function checkRoundOrder(previous: number, next: number): void {
  if (next !== previous + 1) {
    throw new CorruptDocumentError(
      `Round ${previous + 1} is missing from the stored rounds (round ${next} follows round ${previous})`,
    );
  }
}
