/**
 * Measures how a produced document differs from the one the model meant to write, in characters, so
 * "nothing lost, nothing duplicated" is counted rather than assumed.
 */

/** The difference between a produced document and its target. */
export interface DocumentComparison {
  /** Characters of the target that were checked (its length). */
  compared: number;
  /** Characters of the target missing from the produced document. */
  lost: number;
  /** Characters in the produced document that the target does not have there (repeats, stray text). */
  duplicated: number;
  exact: boolean;
}

/**
 * Compares with the longest common prefix and the longest common suffix (not overlapping it): what is
 * left between them is the target's text that went missing (`lost`) and the produced text that does not
 * belong (`duplicated`). A seam that repeats 12 characters counts 12 duplicated; a dropped round counts
 * its length lost; an exact document counts 0 and 0.
 */
export function compareWithTarget(produced: string, target: string): DocumentComparison {
  const shorter = Math.min(produced.length, target.length);
  let prefix = 0;
  while (prefix < shorter && produced.charCodeAt(prefix) === target.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < shorter - prefix &&
    produced.charCodeAt(produced.length - 1 - suffix) === target.charCodeAt(target.length - 1 - suffix)
  ) {
    suffix++;
  }
  const lost = target.length - prefix - suffix;
  const duplicated = produced.length - prefix - suffix;
  return { compared: target.length, lost, duplicated, exact: lost === 0 && duplicated === 0 };
}
