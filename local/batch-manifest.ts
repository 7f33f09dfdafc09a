/** What a line of a batch manifest that is not JSON becomes offline, so that only its item fails. */
const UNPARSABLE_LINE = '$unparsableLine';

/** A manifest line that is not JSON, named when its item runs. */
export class ManifestLineError extends Error {
  override readonly name = 'ManifestLineError';
}

/**
 * The items of a JSONL manifest, one per line in order (its index is the line's, from 0), each the line's
 * JSON value. A line that is not JSON becomes a marker item that {@link unparsableLine} recognizes, so it
 * keeps its index and fails only its own item. The empty string after a final newline is no line.
 */
export function manifestItems(text: string): unknown[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, index) => {
    try {
      return JSON.parse(line) as unknown;
    } catch (error) {
      return { [UNPARSABLE_LINE]: `line ${index + 1} is not JSON (${(error as Error).message})` };
    }
  });
}

/** The reason an item is an unparsable line, or undefined for any other item. */
export function unparsableLine(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const reason = (item as Record<string, unknown>)[UNPARSABLE_LINE];
  return Object.keys(item).length === 1 && typeof reason === 'string' ? reason : undefined;
}
