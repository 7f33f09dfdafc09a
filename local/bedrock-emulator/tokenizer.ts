/**
 * The emulator's tokenizer. Token lengths (1-5 UTF-16 code units) come from a hash of the token's
 * absolute start position, so boundaries fall inside words and inside white-space runs, and the same
 * text tokenized from the same position always splits the same way. A token never ends between the
 * two halves of a surrogate pair; ZWJ emoji sequences may split at code-point boundaries.
 */
import { mix32 } from './seeded-random';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** True when `index` falls between the two halves of a surrogate pair (not a code-point boundary). */
export function splitsSurrogatePair(text: string, index: number): boolean {
  return (
    index > 0 &&
    index < text.length &&
    isHighSurrogate(text.charCodeAt(index - 1)) &&
    isLowSurrogate(text.charCodeAt(index))
  );
}

/** End index (exclusive) of the token of `text` that starts at `start`. */
export function tokenEnd(text: string, start: number): number {
  const end = Math.min(text.length, start + 1 + (mix32(start ^ 0x5bd1e995) % 5));
  return splitsSurrogatePair(text, end) ? end + 1 : end;
}

/** The span covered by at most `maxTokens` tokens of `text` starting at `start`. */
export function takeTokens(text: string, start: number, maxTokens: number): { end: number; tokens: number } {
  let end = start;
  let tokens = 0;
  while (tokens < maxTokens && end < text.length) {
    end = tokenEnd(text, end);
    tokens++;
  }
  return { end, tokens };
}

/** Count tokens the way the emulator does (deterministic; used for `usage` input and output counts). */
export function countTokens(text: string): number {
  return takeTokens(text, 0, Number.POSITIVE_INFINITY).tokens;
}
