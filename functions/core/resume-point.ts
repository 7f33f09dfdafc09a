import { isLowSurrogate } from './utf8';

/**
 * Where an `instruction` round resumes the document (docs/architecture.md, "Continuation strategies").
 * The document is sent only up to `sentLength`; the rest, `tail`, is quoted in the user turn and the
 * model is asked to begin its reply with it. The tail always starts with a character that is not white
 * space, so the reply's first character is never a white space the model might drop, and the reply is
 * placed by finding the tail in it rather than by guessing what the model added before it.
 */
export interface ResumePoint {
  /** Characters of the document sent as the assistant turn; the document is kept up to here. */
  sentLength: number;
  /** `documentSoFar.slice(sentLength)`: text the round regenerates, starting with a non-white-space character. */
  tail: string;
  /**
   * Whether the tail's text occurs nowhere in the last few hundred characters sent. A round too small
   * to quote more may have to quote a tail that does ("stone stone"); then a repeat of the sent text in
   * the reply cannot be told from the document's own text.
   */
  unique: boolean;
}

/**
 * The most a resume point cuts back from the end of the document's text (trailing white space not
 * counted). The document assembler holds this much back, since a later round may still regenerate it.
 */
export const MAX_REWIND_CHARS = 256;

/**
 * Rounds smaller than this cannot write a tail again and still add text (a token may hold a single
 * character); they only serve to test continuation, and get no resume point.
 */
export const MIN_RESUME_TOKENS = 4;

/** Tail length aimed for: long enough to be found in a reply by chance almost never. */
const TARGET_TAIL_CHARS = 16;
/** How much further back a word start may be, so the tail starts a word instead of cutting one. */
const WORD_START_WINDOW = 32;
/**
 * How far before the resume point the tail must not occur. A model may repeat up to a few hundred
 * characters of the sent text before the tail; if the tail also occurred there (a document repeating
 * its own lines), a repeat could not be told from the real text.
 */
const UNIQUE_WITHIN_CHARS = 600;
const WHITE_SPACE = /\s/;

/**
 * The resume point of an instruction round after `documentSoFar`, or undefined when the document has no
 * text yet (nothing to resume) or the round is smaller than {@link MIN_RESUME_TOKENS}. The tail aims at
 * {@link TARGET_TAIL_CHARS} characters starting a word, and reaches further back while it also occurs
 * just before the cut (repeated lines). Small rounds get a shorter tail, so every round still adds text:
 * at most half the round's output budget, counting one character per token, the fewest a token holds.
 * `strict` (the round asked again after one that added nothing) lets the tail use all but one character
 * per token, if that is what makes it unique. A document with little text may be sent without any (the
 * tail is all of it), and the cut never goes back more than {@link MAX_REWIND_CHARS} from the end of the
 * text.
 */
export function instructionResumePoint(
  documentSoFar: string,
  maxTokensPerRound: number,
  strict = false,
): ResumePoint | undefined {
  // Scanned from each end rather than trimmed, which would copy the whole document twice a call.
  let textStart = 0;
  while (textStart < documentSoFar.length && isWhiteSpace(documentSoFar, textStart)) textStart++;
  let textEnd = documentSoFar.length;
  while (textEnd > textStart && isWhiteSpace(documentSoFar, textEnd - 1)) textEnd--;
  if (textEnd <= textStart || maxTokensPerRound < MIN_RESUME_TOKENS) return undefined;
  const halfBudget = Math.max(1, Math.floor(maxTokensPerRound / 2));
  const tailChars = Math.min(TARGET_TAIL_CHARS, halfBudget);
  const longestTail = strict ? Math.max(1, maxTokensPerRound - 1) : halfBudget;
  const earliest = Math.max(
    textStart,
    textEnd - Math.min(MAX_REWIND_CHARS, Math.max(tailChars, longestTail)),
  );
  const latest = Math.max(earliest, textEnd - tailChars);
  const window = Math.min(WORD_START_WINDOW, 2 * tailChars);
  const isWordStart = (p: number): boolean => p === textStart || isWhiteSpace(documentSoFar, p - 1);
  const unique = (p: number): boolean =>
    !documentSoFar
      .slice(Math.max(0, p - UNIQUE_WITHIN_CHARS), textEnd - 1)
      .includes(documentSoFar.slice(p, textEnd));
  // A word start near the end first, then any start further back, until the tail is unique.
  let fallback: number | undefined;
  for (const [from, to, wordStartsOnly] of [
    [latest, Math.max(earliest, latest - window), true],
    [latest, earliest, false],
  ] as const) {
    for (let p = from; p >= to; p--) {
      if (!startsText(documentSoFar, p) || (wordStartsOnly && !isWordStart(p))) continue;
      if (unique(p)) return at(p, true);
      fallback ??= p;
    }
  }
  if (fallback !== undefined) return at(fallback, false);
  // Only white space between `earliest` and `latest`: the tail starts in the short text after it.
  for (let p = latest + 1; p < textEnd; p++) {
    if (startsText(documentSoFar, p)) return at(p, unique(p));
  }
  return at(textStart, unique(textStart));

  function at(sentLength: number, isUnique: boolean): ResumePoint {
    return { sentLength, tail: documentSoFar.slice(sentLength), unique: isUnique };
  }
}

function isWhiteSpace(text: string, at: number): boolean {
  return WHITE_SPACE.test(text.charAt(at));
}

/** Whether a text may start at `at`: not white space, and not the second half of a surrogate pair. */
function startsText(text: string, at: number): boolean {
  return !isWhiteSpace(text, at) && !isLowSurrogate(text.charCodeAt(at));
}
