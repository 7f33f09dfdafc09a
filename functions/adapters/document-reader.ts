import {
  type AssembledDocument,
  checkRoundOrder,
  DocumentAssembler,
  EMPTY_DOCUMENT,
  foldRounds,
} from '../core/document-assembler';
import type { DocumentCache } from '../core/document-cache';
import { CorruptDocumentError } from '../core/errors';
import type { JobRecord } from '../core/job-record';
import type { RoundRecord } from '../core/round-record';
import type { RoundTable } from './round-table';

/** What a round needs before it calls the model. */
export interface RoundStart {
  /** The document through the round before. */
  documentSoFar: string;
  /** The round itself, when an earlier attempt already committed it (its text is the one kept). */
  committed: RoundRecord | undefined;
}

/**
 * Documents as folds of their stored rounds. A round reads only the rounds its cache lacks: a warm
 * function holding the document through the round before reads just the round it runs (to find an
 * attempt that already committed it), a cold one reads every round once.
 */
export class DocumentReader {
  constructor(
    private readonly rounds: RoundTable,
    private readonly cache: DocumentCache,
  ) {}

  /**
   * The document before round `round` of `job`, whose META was just read at that round, and the round
   * itself when it is already committed: one paged Query from the first round the cache lacks through
   * `round`, or one GetItem of the round when the cache lacks none. A round committed by another
   * invocation is never missed: the cache holds only the rounds it folded, META says which round the job
   * is at, every round in between is read, and the result must be as long as META says.
   * @throws CorruptDocumentError when the stored rounds do not fold to what META records.
   */
  async roundStart(job: JobRecord, round: number): Promise<RoundStart> {
    const cached = this.cache.usable(job);
    if (cached) {
      try {
        const start = await this.#read(job, round, cached);
        if (start.documentSoFar.length === job.documentCharacters) return start;
      } catch (error) {
        if (!(error instanceof CorruptDocumentError)) throw error;
      }
      // Cannot happen while rounds are written once; if it does, the stored rounds are the truth.
      this.cache.forget(job.jobId);
    }
    const start = await this.#read(job, round, EMPTY_DOCUMENT);
    if (start.documentSoFar.length !== job.documentCharacters) {
      throw new CorruptDocumentError(
        `The stored rounds of job ${job.jobId} fold to ${start.documentSoFar.length} characters, but the job records ${job.documentCharacters}`,
      );
    }
    return start;
  }

  /** Keeps the document after `record` (folded onto `documentSoFar`) for the job's next round. */
  rememberRound(job: JobRecord, documentSoFar: string, record: RoundRecord): void {
    this.cache.keep(job, foldRounds({ round: record.round - 1, text: documentSoFar }, [record]));
  }

  /**
   * Streams a document: the fold of its committed rounds in order, page by page, holding back only
   * the tail a later seam may still cut (`holdBackChars`: the longest stop sequence). The assembler never
   * ends a piece between the halves of a surrogate pair, so each piece can be written out as UTF-8.
   */
  async *stream(jobId: string, holdBackChars: number, throughRound?: number): AsyncGenerator<string> {
    const assembler = new DocumentAssembler(holdBackChars);
    let last = 0;
    for await (const record of this.rounds.range(jobId, 1, throughRound)) {
      checkRoundOrder(last, record.round);
      last = record.round;
      const out = assembler.push(record.text, record.seam);
      if (out) yield out;
    }
    const out = assembler.finish();
    if (out) yield out;
  }

  async #read(job: JobRecord, round: number, from: AssembledDocument): Promise<RoundStart> {
    if (from.round === round - 1) {
      // Nothing lacking: one GetItem tells whether an earlier attempt committed this round.
      return { documentSoFar: from.text, committed: await this.rounds.get(job.jobId, round) };
    }
    const before: RoundRecord[] = [];
    let committed: RoundRecord | undefined;
    for await (const record of this.rounds.range(job.jobId, from.round + 1, round)) {
      if (record.round === round) committed = record;
      else before.push(record);
    }
    const document = foldRounds(from, before);
    if (document.round !== round - 1) {
      throw new CorruptDocumentError(
        `Job ${job.jobId} is at round ${round}, but its stored rounds end at round ${document.round}`,
      );
    }
    return { documentSoFar: document.text, committed };
  }
}
