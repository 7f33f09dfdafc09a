import { CharacterBoundedCache } from './character-bounded-cache';
import type { ConfigText } from './config-text';

/** Default bound of a cache: 16 M characters of configuration text (at most 32 MB of strings). */
export const DEFAULT_CONFIG_CACHE_CHARACTERS = 16 * 1024 * 1024;

interface Entry {
  /** Which stored text: the attempt id its parts were written under (docs/architecture.md, "Storage"). */
  attemptId: string;
  text: ConfigText;
}

/**
 * The configuration text of the jobs a warm function served, read once from its part items: the text is
 * written once and never changes, so a round reads only META. Bounded by total characters; the least
 * recently used text goes first.
 */
export class ConfigCache {
  readonly #cache: CharacterBoundedCache<Entry>;

  constructor(maxCharacters = DEFAULT_CONFIG_CACHE_CHARACTERS) {
    this.#cache = new CharacterBoundedCache(maxCharacters);
  }

  /** Total characters held. */
  get characters(): number {
    return this.#cache.characters;
  }

  /** The text of job `jobId` stored under `attemptId`, if held; a text of another attempt is dropped. */
  get(jobId: string, attemptId: string): ConfigText | undefined {
    const entry = this.#cache.touch(jobId);
    if (entry?.attemptId === attemptId) return entry.text;
    this.#cache.forget(jobId);
    return undefined;
  }

  /** Keeps the text of job `jobId` stored under `attemptId`, `characters` long (its parts' length). */
  keep(jobId: string, attemptId: string, text: ConfigText, characters: number): void {
    this.#cache.keep(jobId, { attemptId, text }, characters);
  }
}
