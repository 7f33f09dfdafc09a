import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JobTransition } from '../core/job-lifecycle';
import type { JobRecord } from '../core/job-record';
import { jobKey, META_KEY, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './job-table-keys';
import { putIfAbsent, sendToTable, withoutKeys } from './table-requests';

/**
 * Jobs' META items. Every write refreshes the TTL (a job lives `ttlSeconds` past its last change) and,
 * when it changed the job, returns the new record, so nobody reads META again after writing it.
 */
export class JobTable {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly expiresAt: () => number,
  ) {}

  /** Writes a new job's META; `false` (nothing written) when the job id is taken. */
  create(job: JobRecord): Promise<boolean> {
    return putIfAbsent(this.documents, this.tableName, {
      ...this.key(job.jobId),
      ...job,
      [TTL_ATTRIBUTE]: this.expiresAt(),
    });
  }

  /** META with a strongly consistent read. */
  async get(jobId: string): Promise<JobRecord | undefined> {
    const { Item } = await sendToTable(
      this.documents,
      new GetCommand({ TableName: this.tableName, Key: this.key(jobId), ConsistentRead: true }),
    );
    return Item ? withoutKeys<JobRecord>(Item) : undefined;
  }

  /**
   * Applies a lifecycle transition as one conditional update. Returns the job as it is now, or
   * `undefined` when the transition's guard did not hold (or the job does not exist): nothing changed.
   */
  async apply(jobId: string, transition: JobTransition): Promise<JobRecord | undefined> {
    // Every attribute goes through a #name: several (status, usage) are DynamoDB reserved words.
    const names: Record<string, string> = { '#pk': PARTITION_KEY, [`#${TTL_ATTRIBUTE}`]: TTL_ATTRIBUTE };
    const values: Record<string, unknown> = { [`:${TTL_ATTRIBUTE}`]: this.expiresAt() };
    const name = (field: string) => {
      names[`#${field}`] = field;
      return `#${field}`;
    };
    const value = (placeholder: string, given: unknown) => {
      values[`:${placeholder}`] = given;
      return `:${placeholder}`;
    };
    const sets = [`#${TTL_ATTRIBUTE} = :${TTL_ATTRIBUTE}`];
    for (const [field, given] of Object.entries(transition.set)) {
      if (given !== undefined) sets.push(`${name(field)} = ${value(field, given)}`);
    }
    for (const [field, given] of Object.entries(transition.setIfAbsent ?? {})) {
      sets.push(`${name(field)} = if_not_exists(${name(field)}, ${value(field, given)})`);
    }
    const removes = (transition.remove ?? []).map(name);
    const conditions = ['attribute_exists(#pk)'];
    const { status, atRound, strategy } = transition.when;
    if (status) {
      const allowed = status.map((one, index) => value(`when_status_${index}`, one));
      conditions.push(`${name('status')} IN (${allowed.join(', ')})`);
    }
    if (atRound !== undefined) conditions.push(`${name('nextRound')} = ${value('when_round', atRound)}`);
    if (strategy) conditions.push(`${name('strategy')} = ${value('when_strategy', strategy)}`);
    try {
      const { Attributes } = await sendToTable(
        this.documents,
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(jobId),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return withoutKeys<JobRecord>(Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  private key(jobId: string) {
    return { [PARTITION_KEY]: jobKey(jobId), [SORT_KEY]: META_KEY };
  }
}
