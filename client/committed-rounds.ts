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
 * The job's committed rounds `from` to `through` as round events, in order, read without their text
 * (a projection of the round items; part items only carry text and are skipped). `charactersBefore` is
 * the document's length before round `from`.
 */
export async function* committedRounds(
  documents: DynamoDBDocumentClient,
  tableName: string,
  jobId: string,
  from: number,
  through: number,
  charactersBefore: number,
): AsyncGenerator<RoundEvent> {
  if (from > through) return;
  const [fromKey, throughKey] = roundKeyRange(from, through);
  const items = queryAll(documents, {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :through',
    ProjectionExpression: '#sk, #round, stopReason, #usage, documentCharacters',
    ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY, '#round': 'round', '#usage': 'usage' },
    ExpressionAttributeValues: { ':pk': jobKey(jobId), ':from': fromKey, ':through': throughKey },
  });
  let before = charactersBefore;
  for await (const item of items) {
    if (!isRoundKey(item[SORT_KEY] as string)) continue;
    const round = item as unknown as RoundSummary;
    yield {
      type: 'round',
      round: round.round,
      stopReason: round.stopReason,
      outputTokens: round.usage.outputTokens,
      usage: round.usage,
      roundCharacters: round.documentCharacters - before,
      documentCharacters: round.documentCharacters,
    };
    before = round.documentCharacters;
  }
}
