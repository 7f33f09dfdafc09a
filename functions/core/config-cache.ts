import type { ConfigText } from './config-text';

/** Default bound of a cache: 16 M characters of configuration text (at most 32 MB of strings). */
export const DEFAULT_CONFIG_CACHE_CHARACTERS = 16 * 1024 * 1024;

interface Entry {
  /** Which stored text: the attempt id its parts were written under (docs/architecture.md, "Storage"). */
  attemptId: string;
  text: ConfigText;
  characters: number;
}

/**
 * The configuration text of the jobs a warm function served, read once from its part items: the text is
 * written once and never changes, so a round reads only META. Bounded by total characters; the least
 * recently used text goes first.
 */
export class ConfigCache {
  readonly #entries = new Map<string, Entry>();
  #characters = 0;

  constructor(readonly maxCharacters = DEFAULT_CONFIG_CACHE_CHARACTERS) {}

  /** Total characters held. */
  get characters(): number {
    return this.#characters;
  }

  /** The text of job `jobId` stored under `attemptId`, if held; a text of another attempt is dropped. */
  get(jobId: string, attemptId: string): ConfigText | undefined {
    const entry = this.#entries.get(jobId);
    if (!entry) return undefined;
    this.#entries.delete(jobId);
    if (entry.attemptId !== attemptId) {
      this.#characters -= entry.characters;
      return undefined;
    }
    // Most recently used goes last: a Map iterates in insertion order.
    this.#entries.set(jobId, entry);
    return entry.text;
  }

  /** Keeps the text of job `jobId` stored under `attemptId`, `characters` long (its parts' length). */
  keep(jobId: string, attemptId: string, text: ConfigText, characters: number): void {
    const existing = this.#entries.get(jobId);
    if (existing) {
      this.#entries.delete(jobId);
      this.#characters -= existing.characters;
    }
    if (characters > this.maxCharacters) return;
    this.#entries.set(jobId, { attemptId, text, characters });
    this.#characters += characters;
    for (const [oldest, entry] of this.#entries) {
      if (this.#characters <= this.maxCharacters) break;
      this.#entries.delete(oldest);
      this.#characters -= entry.characters;
    }
  }
}
