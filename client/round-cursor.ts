import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  isRoundKey,
  jobKey,
  PARTITION_KEY,
  roundKeyRange,
  SORT_KEY,
} from '../functions/adapters/job-table-keys';
import { queryAll } from '../functions/adapters/table-requests';
import type { RoundRecord } from '../functions/core/round-record';
import type { RoundEvent } from './job-events';

/** What a watcher reads of a round item: everything but its text. */
type RoundSummary = Pick<RoundRecord, 'round' | 'stopReason' | 'usage' | 'documentCharacters'>;

/**
 * A job's committed rounds as round events, each once and in order: every call of {@link through}
 * goes on from the last round it gave. Round items are read without their text (a projection; part
 * items only carry text and are skipped).
 */
export class RoundCursor {
  private last = { round: 0, documentCharacters: 0 };

  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly jobId: string,
  ) {}

  /** The committed rounds after the last one given, through `round` (all of them by default). */
  async *through(round = Number.POSITIVE_INFINITY): AsyncGenerator<RoundEvent> {
    if (round <= this.last.round) return;
    const [fromKey, throughKey] = roundKeyRange(this.last.round + 1, round);
    const items = queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :through',
      ProjectionExpression: '#sk, #round, stopReason, #usage, documentCharacters',
      ExpressionAttributeNames: {
        '#pk': PARTITION_KEY,
        '#sk': SORT_KEY,
        '#round': 'round',
        '#usage': 'usage',
      },
      ExpressionAttributeValues: { ':pk': jobKey(this.jobId), ':from': fromKey, ':through': throughKey },
    });
    for await (const item of items) {
      if (!isRoundKey(item[SORT_KEY] as string)) continue;
      const summary = item as unknown as RoundSummary;
      const event: RoundEvent = {
        type: 'round',
        round: summary.round,
        stopReason: summary.stopReason,
        outputTokens: summary.usage.outputTokens,
        usage: summary.usage,
        roundCharacters: summary.documentCharacters - this.last.documentCharacters,
        documentCharacters: summary.documentCharacters,
      };
      this.last = summary;
      yield event;
    }
  }
}
