import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JobRecord } from '../functions/adapters/job-store';
import { jobKey, META_KEY, PARTITION_KEY, SORT_KEY } from '../functions/adapters/job-table-keys';
import { MAX_ROUNDS_LIMIT } from '../functions/core/job-input';
import { LOCAL_TABLE_NAME, type OfflineRuntime } from '../local/offline-runtime';
import { CliUsageError } from './cli-usage-error';

/**
 * Gives a job that stopped at its round limit (status MAX_ROUNDS_REACHED) a higher one and re-opens it,
 * so its execution continues from its next round: the stored rounds are not asked for again. One
 * conditional write, so a job that moved on meanwhile is left alone.
 * @throws CliUsageError when the job did not stop at its limit or the new limit is not higher.
 */
export async function raiseRoundLimit(
  runtime: OfflineRuntime,
  job: JobRecord,
  maxRounds: number,
): Promise<void> {
  if (job.status !== 'MAX_ROUNDS_REACHED') {
    throw new CliUsageError(
      `--max-rounds can only raise the limit of a job that stopped at it; job ${job.jobId} is ${job.status}`,
    );
  }
  if (maxRounds <= job.config.maxRounds || maxRounds > MAX_ROUNDS_LIMIT) {
    throw new CliUsageError(
      `--max-rounds must be above the job's ${job.config.maxRounds} and at most ${MAX_ROUNDS_LIMIT} (got ${maxRounds})`,
    );
  }
  const documents = DynamoDBDocumentClient.from(runtime.createTableClient());
  try {
    await documents.send(
      new UpdateCommand({
        TableName: LOCAL_TABLE_NAME,
        Key: { [PARTITION_KEY]: jobKey(job.jobId), [SORT_KEY]: META_KEY },
        UpdateExpression:
          'SET #config.#maxRounds = :maxRounds, #status = :running, updatedAt = :at REMOVE failure, finishedAt',
        ConditionExpression: '#status = :reached AND nextRound = :nextRound',
        ExpressionAttributeNames: { '#config': 'config', '#maxRounds': 'maxRounds', '#status': 'status' },
        ExpressionAttributeValues: {
          ':maxRounds': maxRounds,
          ':running': 'RUNNING',
          ':reached': 'MAX_ROUNDS_REACHED',
          ':nextRound': job.nextRound,
          ':at': new Date().toISOString(),
        },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      throw new CliUsageError(`job ${job.jobId} changed meanwhile; run resume again`);
    }
    throw error;
  } finally {
    documents.destroy();
  }
}
