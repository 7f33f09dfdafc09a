import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CorruptDocumentError } from '../core/errors';
import type { RoundRecord } from '../core/round-record';
import { splitUtf8 } from '../core/utf8';
import {
  isRoundKey,
  jobKey,
  PARTITION_KEY,
  partKey,
  roundKey,
  roundKeyRange,
  SORT_KEY,
  TTL_ATTRIBUTE,
} from './job-table-keys';
import { putIfAbsent, queryAll, sendToTable, withoutKeys } from './table-requests';

/** Round text above this many UTF-8 bytes is split into part items (the item limit is 400 KB). */
export const ROUND_PART_BYTES = 350_000;

/** A round item: the record with the first part of its text, and which attempt wrote the other parts. */
interface StoredRound extends RoundRecord {
  attemptId: string;
  partCount: number;
}

/**
 * Jobs' round items, one per committed round, plus part items for long rounds. A round is written once
 * and never changes, which is what lets a reader keep the document it folded from them.
 */
export class RoundTable {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Epoch seconds a round item may be deleted after: it must outlive its job's META. */
    private readonly expiresAt: () => number,
  ) {}

  /**
   * Commits a round. Part items are written first under a fresh attempt id, then the round item with
   * `attribute_not_exists`: the round item is the commit point, so an attempt that loses the race
   * returns `'exists'` and its parts are never read.
   */
  async put(jobId: string, record: RoundRecord): Promise<'written' | 'exists'> {
    const attemptId = randomUUID().slice(0, 8);
    const [first = '', ...rest] = splitUtf8(record.text, ROUND_PART_BYTES);
    const expiresAt = this.expiresAt();
    for (const [index, text] of rest.entries()) {
      await sendToTable(
        this.documents,
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(jobId, partKey(record.round, attemptId, index + 1)),
            text,
            [TTL_ATTRIBUTE]: expiresAt,
          },
        }),
      );
    }
    const stored: StoredRound = { ...record, text: first, attemptId, partCount: rest.length + 1 };
    const written = await putIfAbsent(this.documents, this.tableName, {
      ...this.key(jobId, roundKey(record.round)),
      ...stored,
      [TTL_ATTRIBUTE]: expiresAt,
    });
    return written ? 'written' : 'exists';
  }

  /** One committed round with its full text, or `undefined` when it was never committed. */
  async get(jobId: string, round: number): Promise<RoundRecord | undefined> {
    const { Item } = await sendToTable(
      this.documents,
      new GetCommand({
        TableName: this.tableName,
        Key: this.key(jobId, roundKey(round)),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const stored = withoutKeys<StoredRound>(Item);
    if (stored.partCount === 1) return toRoundRecord(jobId, stored, [stored.text]);
    // A long round: read it again with its parts, which sort right after it.
    for await (const record of this.range(jobId, round, round)) return record;
    return undefined;
  }

  /**
   * The committed rounds `from` to `through`, in order, each with its full text: one paged Query, which
   * skips the parts of attempts that lost the race to commit.
   */
  async *range(jobId: string, from: number, through = Number.POSITIVE_INFINITY): AsyncGenerator<RoundRecord> {
    const [fromKey, throughKey] = roundKeyRange(from, through);
    const items = queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :through',
      ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
      ExpressionAttributeValues: { ':pk': jobKey(jobId), ':from': fromKey, ':through': throughKey },
    });
    let current: { stored: StoredRound; parts: string[] } | undefined;
    for await (const item of items) {
      const sk = item[SORT_KEY] as string;
      if (isRoundKey(sk)) {
        if (current) yield toRoundRecord(jobId, current.stored, current.parts);
        const stored = withoutKeys<StoredRound>(item);
        current = { stored, parts: [stored.text] };
      } else if (current && sk.startsWith(`${roundKey(current.stored.round)}#${current.stored.attemptId}#`)) {
        current.parts.push(item.text as string);
      }
    }
    if (current) yield toRoundRecord(jobId, current.stored, current.parts);
  }

  private key(jobId: string, sk: string) {
    return { [PARTITION_KEY]: jobKey(jobId), [SORT_KEY]: sk };
  }
}

/** A round's record with its full text; a missing part is a corrupt document, never a shorter one. */
function toRoundRecord(jobId: string, stored: StoredRound, parts: string[]): RoundRecord {
  if (parts.length !== stored.partCount) {
    throw new CorruptDocumentError(
      `Round ${stored.round} of job ${jobId} has ${parts.length} of ${stored.partCount} parts`,
    );
  }
  const { attemptId: _attempt, partCount: _parts, ...record } = stored;
  return { ...record, text: parts.join('') };
}
