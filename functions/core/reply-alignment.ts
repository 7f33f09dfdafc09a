import type { ResumePoint } from './resume-point';

/**
 * How far into a reply the quoted tail may be found when what comes before it has no shape the
 * alignment knows (a chatter line without a blank line after it, say). Chatter is one short line;
 * anything longer before the tail is more likely a reply that ignored the instruction.
 */
const MAX_UNKNOWN_PREFIX_CHARS = 400;
/**
 * Shortest tail found after an unknown prefix. A shorter one (a small round's "continu") turns up inside
 * chatter by chance ("I'll continue from…"), so it must follow a prefix of a known shape.
 */
const MIN_TAIL_AFTER_UNKNOWN_PREFIX = 16;
/** Longest line taken as a line of chatter before the continuation. */
const MAX_CHATTER_LINE_CHARS = 300;
const LEADING_WHITE_SPACE = /^\s*/;
const WHITE_SPACE = /\s/;
const BLANK_LINE_AFTER = /^[^\r\n]*\r?\n(?:[ \t]*\r?\n)+/;
const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})[^\r\n]*/gm;

/**
 * Where the continuation starts in a reply to an instruction round (docs/architecture.md, "Continuation
 * strategies"): the position of the quoted tail, which the model was asked to begin with. Models add
 * things before it — white space, a line of chatter and a blank line, a code fence the sent text left
 * open, a repeat of the end of the sent text (a word, a line, a longer overlap) — and the tail tells
 * where that ends, whatever the wording. When the tail occurs more than once near the start, the first
 * occurrence whose prefix has one of those shapes wins: a document that repeats its own lines keeps them
 * (a repeat is only removed when the reply holds the tail after it).
 *
 * A tail that is not unique (a small round had to quote text the sent part also ends with) is placed
 * only after white space, chatter or a fence, and only if no occurrence reads as following a repeat.
 *
 * Returns undefined when the reply does not contain the tail (it ran out of output budget before the
 * tail ended, or it did not follow the instruction), or when a tail that is not unique leaves the reply
 * ambiguous. Either way the round adds nothing.
 */
export function alignReply(sentText: string, resume: ResumePoint, reply: string): number | undefined {
  const anchor = resume.tail.trimEnd();
  const openFence = openFenceLine(sentText);
  let firstUnknown: number | undefined;
  let explained: number | undefined;
  // The tail ended in white space (a word or line was complete): the copy must end there too, or "```"
  // would be found at the start of "```sh".
  const endsWord = anchor.length < resume.tail.length;
  for (let at = reply.indexOf(anchor); at !== -1; at = reply.indexOf(anchor, at + 1)) {
    const after = reply.charAt(at + anchor.length);
    if (endsWord && after !== '' && !WHITE_SPACE.test(after)) continue;
    const { plain, asRepeat } = readPrefix(sentText, openFence, reply.slice(0, at));
    if (plain || asRepeat) {
      if (resume.unique) return at;
      // A tail the sent text also holds ("stone stone"): a repeat of the sent text cannot be told from
      // the document's own text, so a reply that reads as one anywhere (a repeat before the tail, the
      // tail found twice, a reply that is all text already sent) is ambiguous, and placing it either
      // way could lose or double text.
      if (!plain || explained !== undefined || sentText.includes(reply.slice(at).trimEnd())) return undefined;
      explained = at;
      continue;
    }
    // Unknown text before the tail counts only if it is not the sent text again (a repeat cut short by
    // the output budget can hold the tail's characters by chance, most of all when the tail is short).
    if (
      firstUnknown === undefined &&
      resume.unique &&
      anchor.length >= MIN_TAIL_AFTER_UNKNOWN_PREFIX &&
      at <= MAX_UNKNOWN_PREFIX_CHARS &&
      !sentText.includes(reply.slice(skipWhiteSpace(reply, 0), at + anchor.length))
    ) {
      firstUnknown = at;
    }
  }
  return explained ?? firstUnknown;
}

/**
 * How `prefix` reads as what a model adds before the text it was asked to resume with: white space,
 * then optionally one line followed by a blank line, then optionally the sent text's open code fence
 * again. `plain` when that is all of it; `asRepeat` when a repeat of the sent text's end follows.
 */
function readPrefix(
  sentText: string,
  openFence: string | undefined,
  prefix: string,
): { plain: boolean; asRepeat: boolean } {
  const afterSpace = skipWhiteSpace(prefix, 0);
  const starts = [afterSpace];
  const chatter = BLANK_LINE_AFTER.exec(prefix.slice(afterSpace));
  if (chatter && chatter[0].trimEnd().length <= MAX_CHATTER_LINE_CHARS) {
    starts.push(skipWhiteSpace(prefix, afterSpace + chatter[0].length));
  }
  for (const start of [...starts]) {
    if (openFence !== undefined && prefix.startsWith(openFence, start)) {
      starts.push(skipWhiteSpace(prefix, start + openFence.length));
    }
  }
  return {
    plain: starts.includes(prefix.length),
    asRepeat: starts.some((start) => sentText.endsWith(prefix.slice(start))),
  };
}

function skipWhiteSpace(text: string, from: number): number {
  return from + (LEADING_WHITE_SPACE.exec(text.slice(from))?.[0].length ?? 0);
}

/** The opening line of a fenced code block that `text` leaves open, or undefined. */
function openFenceLine(text: string): string | undefined {
  let open: { line: string; marker: string } | undefined;
  for (const match of text.matchAll(FENCE_LINE)) {
    const line = match[0].trim();
    const marker = match[1] as string;
    if (open === undefined) {
      open = { line, marker };
    } else if (marker[0] === open.marker[0] && marker.length >= open.marker.length && line === marker) {
      open = undefined;
    }
  }
  return open?.line;
}
