/**
 * Imperfections a real model shows when asked (by a user turn) to continue text: it may repeat the end
 * of the text first, open with a short preamble, or start with a stray space or newline. Seeded from
 * the quirk seed and the request content, so a failing test replays exactly.
 */
import { createRandom, hashString } from './seeded-random';
import { splitsSurrogatePair } from './tokenizer';

/** Rates (0..1) of each quirk in instruction mode; all default to 0. */
export interface InstructionQuirks {
  seed?: number;
  /** Repeat the last N characters of the assistant text first. */
  overlapRate?: number;
  /** Range of N for the overlap; default [10, 80]. */
  overlapChars?: [min: number, max: number];
  /** Start with one of {@link PREAMBLES}. */
  preambleRate?: number;
  /** Start with one ' ' or '\n'. */
  leadingWhitespaceRate?: number;
}

/** The exact preamble lines the emulated model may open an instruction-mode answer with. */
export const PREAMBLES = [
  'Continuing from where I left off:\n\n',
  'Here is the continuation:\n\n',
  'Sure, continuing the document:\n\n',
] as const;

/**
 * The text the model writes before the real continuation: [leading white space][preamble][overlap].
 * `requestKey` identifies the request's content; every draw happens whatever the rates, so changing one
 * rate does not reshuffle the others.
 */
export function instructionQuirkPrefix(
  quirks: InstructionQuirks,
  assistantText: string,
  requestKey: string,
): string {
  const random = createRandom(hashString(`${quirks.seed ?? 0}\u0000${requestKey}`));
  const leadingRoll = random.next();
  const leading = random.pick([' ', '\n']);
  const preambleRoll = random.next();
  const preamble = random.pick(PREAMBLES);
  const overlapRoll = random.next();
  const [min, max] = quirks.overlapChars ?? [10, 80];
  let overlapStart = Math.max(0, assistantText.length - random.int(min, max));
  if (splitsSurrogatePair(assistantText, overlapStart)) overlapStart--;

  let prefix = '';
  if (leadingRoll < (quirks.leadingWhitespaceRate ?? 0)) prefix += leading;
  if (preambleRoll < (quirks.preambleRate ?? 0)) prefix += preamble;
  if (overlapRoll < (quirks.overlapRate ?? 0)) prefix += assistantText.slice(overlapStart);
  return prefix;
}
