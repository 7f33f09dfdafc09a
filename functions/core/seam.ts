import { prefillText } from './conversation';
import { CorruptDocumentError } from './errors';
import type { ContinuationStrategy } from './job-config';
import type { SeamRule } from './seam-rule';

/**
 * Shortest repeated overlap the `instruction` join removes. Shorter matches between the end of the
 * document and the start of a continuation happen by chance all the time (a space, ". ", "\n\n",
 * "the ", a markdown bullet) and are real text; 12 characters span two or more words, which a model
 * resuming mid-sentence does not repeat by coincidence.
 */
export const MIN_OVERLAP_CHARS = 12;

/** Longest first line that can be a "here is the continuation:" preamble. */
const MAX_PREAMBLE_CHARS = 80;
// Blank space before the line belongs to the preamble: models emit stray newlines around such chatter.
// After it, the line break and one blank line are its formatting ("Here is the continuation:\n\n"); any
// further line breaks are the continuation's own (it may resume with a new paragraph).
const PREAMBLE = /^(?:[ \t]*\r?\n)*[ \t]*([^\r\n]*):[ \t]*\r?\n(?:[ \t]*\r?\n)?/;
// Chatter opens a sentence; a chunk that starts mid-line starts with the lower-case rest of a sentence.
const STARTS_SENTENCE = /^\p{Lu}/u;
const HAS_WORD_CHARACTER = /[\p{L}\p{N}]/u;
const LEADING_WHITE_SPACE = /^\s+/;
/**
 * The whole first line (before its colon) must be one of the forms models use to announce a continuation:
 * "Here is the continuation", "Continuing from where I left off", "Sure, continuing the document",
 * "Resuming where I left off". Anything looser deletes real text: "Here are the remaining steps:" or
 * "Continuing the setup:" are document lines that a round may well start with.
 */
const WHAT = '(?:document|text|response|answer|article|guide|story)';
const LEFT_OFF = '(?:from )?where (?:i|we) left off';
const CONTINUING = new RegExp(
  '^(?:(?:sure|okay|ok|certainly|of course|alright|absolutely)[,.!]*\\s+)?(?:' +
    [
      `here(?:'s|’s| is) the (?:continuation|rest)(?: of (?:the|my) ${WHAT})?(?:, picking up (?:mid-sentence|${LEFT_OFF}))?`,
      `continuing(?: ${LEFT_OFF}| (?:the|my) ${WHAT})?`,
      `(?:picking up|resuming)(?: ${LEFT_OFF})?`,
    ].join('|') +
    ')[.!]?$',
  'i',
);

/** How a round's raw text joins the document, and whether a stop sequence ended the document at the seam. */
export interface JoinResult {
  seam: SeamRule;
  /** A stop sequence occurs across (or after) the seam; the document was cut before it. */
  stoppedAtSequence: boolean;
  /** Length change of the document (negative when a stop sequence cut into the previous text). */
  addedCharacters: number;
}

/**
 * Decides how a round's raw `chunk` joins `documentSoFar` under the strategy that produced it
 * (DESIGN §5), then ends the document at the earliest stop sequence that the seam created.
 */
export function joinChunk(
  strategy: ContinuationStrategy,
  documentSoFar: string,
  chunk: string,
  stopSequences: readonly string[],
): JoinResult {
  const joined =
    strategy === 'prefill'
      ? { keepPrevious: prefillText(documentSoFar).length, chunkFrom: 0, chunkTo: chunk.length }
      : instructionSeam(documentSoFar, chunk);
  const cut = cutAtStopSequence(documentSoFar, chunk, joined, stopSequences);
  const seam = cut ?? joined;
  return {
    seam,
    stoppedAtSequence: cut !== undefined,
    addedCharacters: seam.keepPrevious + (seam.chunkTo - seam.chunkFrom) - documentSoFar.length,
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

function instructionSeam(documentSoFar: string, chunk: string): SeamRule {
  // A whitespace-only document is not sent (buildConversation): the model saw no text to resume.
  const sent = documentSoFar.trim() === '' ? '' : documentSoFar;
  let chunkFrom = 0;
  if (sent !== '') {
    chunkFrom = preambleLength(chunk);
    chunkFrom += repeatLength(sent, chunk.slice(chunkFrom));
  }
  return { keepPrevious: documentSoFar.length, chunkFrom, chunkTo: chunk.length };
}

/** Length of an unambiguous "Here is the continuation:" first line and the newlines after it, else 0. */
function preambleLength(chunk: string): number {
  const match = PREAMBLE.exec(chunk);
  const line = match?.[1];
  if (match === null || line === undefined) return 0;
  if (line.length + 1 > MAX_PREAMBLE_CHARS || !STARTS_SENTENCE.test(line) || !CONTINUING.test(line)) return 0;
  return match[0].length;
}

/**
 * Length of a repeated end of `sent` at the start of `chunk`, including white space the model put before
 * the repetition (a repeat of 12+ characters after a stray space or newline is still a repeat); else 0.
 */
function repeatLength(sent: string, chunk: string): number {
  const direct = overlapLength(sent, chunk);
  if (direct > 0) return direct;
  const leading = LEADING_WHITE_SPACE.exec(chunk)?.[0].length ?? 0;
  if (leading === 0) return 0;
  const afterSpace = overlapLength(sent, chunk.slice(leading));
  return afterSpace > 0 ? leading + afterSpace : 0;
}

/**
 * Length of the longest suffix of `sent` that is a prefix of `chunk`, if it is at least
 * MIN_OVERLAP_CHARS long and holds a letter or digit (white space and punctuation alone — indentation,
 * blank lines, table rules like `| --- | --- ` — repeat legitimately);
 * else 0. Knuth-Morris-Pratt over the last characters of `sent`: linear, whatever the sizes.
 */
function overlapLength(sent: string, chunk: string): number {
  const patternLength = Math.min(sent.length, chunk.length);
  if (patternLength < MIN_OVERLAP_CHARS) return 0;
  const pattern = chunk.slice(0, patternLength);
  const failure = prefixFunction(pattern);
  let matched = 0;
  for (let i = sent.length - patternLength; i < sent.length; i++) {
    while (matched > 0 && (matched === patternLength || sent[i] !== pattern[matched])) {
      matched = failure[matched - 1] ?? 0;
    }
    if (sent[i] === pattern[matched]) matched++;
  }
  if (matched < MIN_OVERLAP_CHARS || !HAS_WORD_CHARACTER.test(pattern.slice(0, matched))) return 0;
  return matched;
}

function prefixFunction(pattern: string): Int32Array {
  const failure = new Int32Array(pattern.length);
  let k = 0;
  for (let i = 1; i < pattern.length; i++) {
    while (k > 0 && pattern[i] !== pattern[k]) k = failure[k - 1] ?? 0;
    if (pattern[i] === pattern[k]) k++;
    failure[i] = k;
  }
  return failure;
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
