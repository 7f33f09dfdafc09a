/**
 * How a chat model answers when a user turn asks it to continue text (instruction mode): it may start
 * without the white space that should come next, repeat the cut word or the cut line from its
 * beginning, repeat a longer overlap, open with a line of chatter and a blank line, reopen a code fence
 * that was cut open, or start with a stray space or newline; several at once, or none. Seeded from the
 * quirk seed and the request content, so a failing test replays exactly, and a request asked differently
 * (a stricter instruction) draws anew.
 */
import { createRandom, hashString, type SeededRandom } from './seeded-random';
import { splitsSurrogatePair } from './tokenizer';

/** Rates (0..1) of each behaviour in instruction mode; all default to 0. */
export interface InstructionQuirks {
  seed?: number;
  /** Leave out the white space (space, newline, indentation, blank line) that should come first. */
  wsDropRate?: number;
  /** Repeat the cut word (the assistant text's last word) from its beginning. */
  wordRestartRate?: number;
  /** Repeat the cut line (the assistant text's last line with text) from its beginning. */
  lineRestartRate?: number;
  /** Repeat the last N characters of the assistant text. */
  overlapRate?: number;
  /** Range of N for the overlap; default [20, 200]. */
  overlapChars?: [min: number, max: number];
  /** Open with a line of chatter and a blank line, worded from a grammar of many forms. */
  preambleRate?: number;
  /** Reopen the code fence the assistant text left open (its opening line again). */
  fenceRate?: number;
  /** Start with one stray ' ' or '\n'. */
  leadingWhitespaceRate?: number;
  /** At most this many behaviours in one answer (the first ones drawn win); default no limit. */
  maxPerAnswer?: number;
}

/** What the model writes before the continuation, and how much of the continuation's start it leaves out. */
export interface QuirkEffect {
  prefix: string;
  /** Characters of the real continuation skipped (white space dropped at its start). */
  skip: number;
}

const OPENERS = ['', 'Sure! ', 'Sure, ', 'Okay — ', 'Certainly. ', 'Of course. ', 'Got it. ', 'Alright, '];
const WHAT = ['document', 'guide', 'text', 'section', 'draft', 'article', 'answer', 'piece'];
const BODIES = [
  "here's the rest of the {what}",
  'picking up where the text was cut off',
  "I'll continue from where it stopped",
  'continuing from the interruption',
  'here is the remainder of the {what}',
  'resuming the {what}',
  'the {what} continues below',
  'below is the continuation of the {what}',
  'carrying on from “{quote}”',
  'let me finish the {what}',
  "here's how it goes on",
  'continuing with the next part',
  'no problem, resuming right after “{quote}”',
];
const ENDINGS = [':', '.', '!', ' —', '…', ''];
const BLANK_LINES = ['\n\n', '\n\n', '\n\n\n', '\r\n\r\n'];
const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})[^\r\n]*/gm;
const LEADING_WHITE_SPACE = /^\s+/;

/** One line of chatter and the blank line after it, e.g. "Sure! Here's the rest of the guide:\n\n". */
function chatter(random: SeededRandom, assistantText: string): string {
  const opener = random.pick(OPENERS);
  const quote = assistantText.trimEnd().split(/\s+/).slice(-3).join(' ');
  const body = random.pick(BODIES).replace('{what}', random.pick(WHAT)).replace('{quote}', quote);
  const capitalized = opener === '' || /[.!] $/.test(opener) ? body[0]?.toUpperCase() + body.slice(1) : body;
  return `${opener}${capitalized}${random.pick(ENDINGS)}${random.pick(BLANK_LINES)}`;
}

/** The opening line of a fenced code block that `text` leaves open, or undefined. */
function openFenceLine(text: string): string | undefined {
  let open: { line: string; marker: string } | undefined;
  for (const match of text.matchAll(FENCE_LINE)) {
    const line = match[0].trim();
    const marker = match[1] as string;
    if (open === undefined) open = { line, marker };
    else if (line === marker && marker[0] === open.marker[0] && marker.length >= open.marker.length) {
      open = undefined;
    }
  }
  return open?.line;
}

/** Start of the last word of `text` (with the white space after it). */
function lastWordStart(text: string): number {
  let i = text.trimEnd().length;
  while (i > 0 && !/\s/.test(text.charAt(i - 1))) i--;
  return i;
}

/** Start of the last line of `text` that holds text. */
function lastLineStart(text: string): number {
  const end = text.trimEnd().length;
  return text.lastIndexOf('\n', end - 1) + 1;
}

/**
 * What the model does before the real continuation in instruction mode. `upcoming` is the start of the
 * real continuation (for white space it may leave out); `requestKey` identifies the request's content.
 * Every draw happens whatever the rates, so changing one rate does not reshuffle the others.
 */
export function instructionQuirks(
  quirks: InstructionQuirks,
  assistantText: string,
  upcoming: string,
  requestKey: string,
): QuirkEffect {
  const random = createRandom(hashString(`${quirks.seed ?? 0}\u0000${requestKey}`));
  const rolls = {
    leading: random.next(),
    preamble: random.next(),
    fence: random.next(),
    wordRestart: random.next(),
    lineRestart: random.next(),
    overlap: random.next(),
    wsDrop: random.next(),
  };
  const leading = random.pick([' ', '\n']);
  const preamble = chatter(random, assistantText);
  const [min, max] = quirks.overlapChars ?? [20, 200];
  let overlapStart = Math.max(0, assistantText.length - random.int(min, max));
  if (splitsSurrogatePair(assistantText, overlapStart)) overlapStart--;

  let budget = quirks.maxPerAnswer ?? Number.POSITIVE_INFINITY;
  const fires = (roll: number, rate: number | undefined): boolean => {
    if (budget <= 0 || roll >= (rate ?? 0)) return false;
    budget--;
    return true;
  };
  let prefix = '';
  if (fires(rolls.leading, quirks.leadingWhitespaceRate)) prefix += leading;
  if (fires(rolls.preamble, quirks.preambleRate)) prefix += preamble;
  const fence = openFenceLine(assistantText);
  if (fence !== undefined && fires(rolls.fence, quirks.fenceRate)) prefix += `${fence}\n`;
  let repeat = '';
  if (fires(rolls.wordRestart, quirks.wordRestartRate))
    repeat = assistantText.slice(lastWordStart(assistantText));
  else if (fires(rolls.lineRestart, quirks.lineRestartRate)) {
    repeat = assistantText.slice(lastLineStart(assistantText));
  } else if (fires(rolls.overlap, quirks.overlapRate)) repeat = assistantText.slice(overlapStart);
  let skip = 0;
  if (fires(rolls.wsDrop, quirks.wsDropRate)) {
    if (repeat !== '') repeat = repeat.trimStart();
    else skip = LEADING_WHITE_SPACE.exec(upcoming)?.[0].length ?? 0;
  }
  return { prefix: prefix + repeat, skip };
}
