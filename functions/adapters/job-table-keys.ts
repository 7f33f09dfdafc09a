/** Attribute names of the single Longform table's primary key (docs/architecture.md, "Storage"); the stack and local runtime use the same. */
export const PARTITION_KEY = 'pk';
/** Sort key attribute name. */
export const SORT_KEY = 'sk';
/** TTL attribute: epoch seconds after which DynamoDB may delete a finished job. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** Partition key of every item of a job. */
export const jobKey = (jobId: string) => `JOB#${jobId}`;
/** Sort key of a job's META item. */
export const META_KEY = 'META';
/**
 * Sort key of a part of a job's configuration text, written by one create attempt (docs/architecture.md,
 * "Storage"); parts sort in order under {@link configPartPrefix}.
 */
export const configPartKey = (attemptId: string, part: number) =>
  `${configPartPrefix(attemptId)}p${String(part).padStart(2, '0')}`;
/** Sort-key prefix of the configuration parts one create attempt wrote. */
export const configPartPrefix = (attemptId: string) => `CONFIG#${attemptId}#`;
/** Sort key of a round item; zero-padded so rounds sort in order. */
export const roundKey = (round: number) => `ROUND#${String(round).padStart(6, '0')}`;
/** Sort key of a part of a long round, written by one attempt: it sorts right after its round item. */
export const partKey = (round: number, attemptId: string, part: number) =>
  `${roundKey(round)}#${attemptId}#p${String(part).padStart(2, '0')}`;
/** Whether a sort key is a round item's (not a part's). */
export const isRoundKey = (sk: string) => /^ROUND#\d{6}$/.test(sk);

/**
 * Sort-key bounds (for `BETWEEN`) of rounds `from` to `through` with their parts: a part key extends its
 * round key with `#`, attempt ids are hex, and `~` sorts after both.
 */
export function roundKeyRange(from: number, through: number): [string, string] {
  return [roundKey(from), Number.isFinite(through) ? `${roundKey(through)}#~` : 'ROUND#~'];
}
