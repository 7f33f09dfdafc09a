import { CharacterBoundedCache } from './character-bounded-cache';
import type { AssembledDocument } from './document-assembler';
import type { JobRecord } from './job-record';

/** Default bound of a cache: 16 M characters (at most 32 MB of strings), a few long documents or many short ones. */
export const DEFAULT_DOCUMENT_CACHE_CHARACTERS = 16 * 1024 * 1024;

interface Entry {
  /** Which incarnation of the job id: a job deleted by TTL and started again is another job. */
  createdAt: string;
  document: AssembledDocument;
}

/**
 * The assembled documents of the jobs a warm round function served, so that a round reads only the
 * rounds it lacks instead of the whole document. Bounded by total characters; the least recently used
 * document goes first. An entry is a fold of committed rounds, which never change, so it stays right
 * for the rounds it holds; {@link DocumentCache.usable} says when it may stand in for them.
 */
export class DocumentCache {
  readonly #cache: CharacterBoundedCache<Entry>;

  constructor(maxCharacters = DEFAULT_DOCUMENT_CACHE_CHARACTERS) {
    this.#cache = new CharacterBoundedCache(maxCharacters);
  }

  /** Total characters held. */
  get characters(): number {
    return this.#cache.characters;
  }

  /**
   * The cached document of `job` (as its META was just read), when usable: the same incarnation, not
   * past the job's last round, and, when it is at that round, exactly as long as META records. A
   * document behind the job is usable: the rounds it lacks are read and folded onto it. Anything else
   * is dropped.
   */
  usable(job: JobRecord): AssembledDocument | undefined {
    const entry = this.#cache.peek(job.jobId);
    if (!entry) return undefined;
    const lastRound = job.nextRound - 1;
    const { round, text } = entry.document;
    if (
      entry.createdAt !== job.createdAt ||
      round > lastRound ||
      (round === lastRound && text.length !== job.documentCharacters)
    ) {
      this.forget(job.jobId);
      return undefined;
    }
    return this.#cache.touch(job.jobId)?.document;
  }

  /** Keeps `document` for `job`, unless it already holds a later round of it. */
  keep(job: JobRecord, document: AssembledDocument): void {
    const existing = this.#cache.peek(job.jobId);
    if (existing?.createdAt === job.createdAt && existing.document.round > document.round) return;
    this.#cache.keep(job.jobId, { createdAt: job.createdAt, document }, document.text.length);
  }

  /** Drops the document of a job. */
  forget(jobId: string): void {
    this.#cache.forget(jobId);
  }
}
