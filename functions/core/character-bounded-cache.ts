/**
 * A least-recently-used map bounded by the total characters of what it holds: a warm function's memory
 * for text that does not change once stored (documents' committed rounds, jobs' configuration text).
 * Adding past the bound drops the least recently used entries; an entry larger than the bound is not kept.
 */
export class CharacterBoundedCache<Value> {
  readonly #entries = new Map<string, { value: Value; characters: number }>();
  #characters = 0;

  constructor(readonly maxCharacters: number) {}

  /** Total characters held. */
  get characters(): number {
    return this.#characters;
  }

  /** The value kept under `key`, without marking it used. */
  peek(key: string): Value | undefined {
    return this.#entries.get(key)?.value;
  }

  /** Marks the value under `key` most recently used and returns it. */
  touch(key: string): Value | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    // Most recently used goes last: a Map iterates in insertion order.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value`, `characters` long, under `key`, replacing what was there. */
  keep(key: string, value: Value, characters: number): void {
    this.forget(key);
    if (characters > this.maxCharacters) return;
    this.#entries.set(key, { value, characters });
    this.#characters += characters;
    for (const [oldest] of this.#entries) {
      if (this.#characters <= this.maxCharacters) break;
      this.forget(oldest);
    }
  }

  /** Drops the value under `key`. */
  forget(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#characters -= entry.characters;
  }
}
