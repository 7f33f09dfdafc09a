/**
 * How one round's raw text joins the document so far. The document after round n is
 * `documentBefore.slice(0, keepPrevious) + chunk.slice(chunkFrom, chunkTo)`.
 * Recorded on every round item so the document is a pure fold of the stored rounds.
 */
export interface SeamRule {
  /** Characters (UTF-16 code units) of the document so far that stay. */
  keepPrevious: number;
  /** First character of the round's raw text that joins the document. */
  chunkFrom: number;
  /** One past the last character of the round's raw text that joins the document. */
  chunkTo: number;
}
