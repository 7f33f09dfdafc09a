import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  paginateQuery,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { classifyStoreError } from '../core/error-classification';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './job-table-keys';

/**
 * Sends one request to the table. A failed condition is rethrown as it is (callers turn it into a
 * result); any other failure becomes a named store error the state machine knows how to retry.
 */
// biome-ignore lint/suspicious/noExplicitAny: the document client's commands share no useful common type
export async function sendToTable(documents: DynamoDBDocumentClient, command: any): Promise<any> {
  try {
    return await documents.send(command);
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw error;
    throw classifyStoreError(error);
  }
}

/** Writes an item unless one with its key exists; `false` (nothing written) when it does. */
export async function putIfAbsent(
  documents: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
): Promise<boolean> {
  try {
    await sendToTable(
      documents,
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Every item a strongly consistent Query matches, page after page: a page holds at most 1 MB, so one
 * request never has to return them all.
 */
export async function* queryAll(
  documents: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ConsistentRead' | 'ExclusiveStartKey'>,
): AsyncGenerator<Record<string, unknown>> {
  try {
    for await (const page of paginateQuery({ client: documents }, { ...input, ConsistentRead: true })) {
      yield* page.Items ?? [];
    }
  } catch (error) {
    throw classifyStoreError(error);
  }
}

/** An item without its table keys and TTL: the record it stores. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const { [PARTITION_KEY]: _pk, [SORT_KEY]: _sk, [TTL_ATTRIBUTE]: _ttl, ...rest } = item;
  return rest as T;
}
