import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ConfigCache } from '../core/config-cache';
import {
  type ConfigText,
  type JobSettings,
  readConfigText,
  splitConfig,
  withConfigText,
} from '../core/config-text';
import { CorruptDocumentError } from '../core/errors';
import type { JobTransition } from '../core/job-lifecycle';
import type { JobRecord } from '../core/job-record';
import {
  configPartKey,
  configPartPrefix,
  jobKey,
  META_KEY,
  PARTITION_KEY,
  SORT_KEY,
  TTL_ATTRIBUTE,
} from './job-table-keys';
import { putIfAbsent, queryAll, sendToTable, withoutKeys } from './table-requests';

/**
 * A job as META holds it, without its configuration text (`messages`, `system`): what needs the job's
 * state, not its prompt, reads this (a full {@link JobRecord} is one too).
 */
export type JobState = Omit<JobRecord, 'config'> & { config: JobSettings };

/** Which part items hold a job's configuration text, as META names them. */
interface ConfigParts {
  attemptId: string;
  count: number;
}

/**
 * Jobs' META items, and the part items of configuration text too long for META. Every write to META
 * refreshes the TTL (a job lives `ttlSeconds` past its last change) and, when it changed the job, returns
 * the new record, so nobody reads META again after writing it. A job's configuration text is written
 * once, so the `cache` keeps it once read: a warm function reads META only.
 */
export class JobTable {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly expiresAt: () => number,
    /** Epoch seconds configuration parts may be deleted after: they must outlive their job's META. */
    private readonly partsExpireAt: () => number,
    private readonly cache: ConfigCache,
  ) {}

  /**
   * Writes a new job's META; `false` (nothing written) when the job id is taken. Text too long for META
   * is written first, as parts under a fresh attempt id that META then names: META is the commit point,
   * so the parts of an attempt that found the id taken (or crashed) are never read, and expire by TTL.
   */
  async create(job: JobRecord): Promise<boolean> {
    const stored = splitConfig(job.config);
    if ('inline' in stored) {
      return putIfAbsent(this.documents, this.tableName, {
        ...this.key(job.jobId),
        ...job,
        [TTL_ATTRIBUTE]: this.expiresAt(),
      });
    }
    const attemptId = randomUUID().slice(0, 8);
    const partsExpireAt = this.partsExpireAt();
    for (const [index, text] of stored.parts.entries()) {
      await sendToTable(
        this.documents,
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(job.jobId, configPartKey(attemptId, index + 1)),
            text,
            [TTL_ATTRIBUTE]: partsExpireAt,
          },
        }),
      );
    }
    const configParts: ConfigParts = { attemptId, count: stored.parts.length };
    const created = await putIfAbsent(this.documents, this.tableName, {
      ...this.key(job.jobId),
      ...job,
      config: stored.settings,
      configParts,
      [TTL_ATTRIBUTE]: this.expiresAt(),
    });
    if (created) this.cache.keep(job.jobId, attemptId, stored.text, charactersOf(stored.parts));
    return created;
  }

  /** META with a strongly consistent read, with the job's configuration text. */
  async get(jobId: string): Promise<JobRecord | undefined> {
    const item = await this.meta(jobId);
    return item ? this.record(item) : undefined;
  }

  /** META with a strongly consistent read, without the configuration text: no part is read. */
  async getState(jobId: string): Promise<JobState | undefined> {
    const item = await this.meta(jobId);
    if (!item) return undefined;
    const {
      configParts: _parts,
      config,
      ...job
    } = withoutKeys<JobRecord & { configParts?: ConfigParts }>(item);
    const { messages: _messages, system: _system, ...settings } = config;
    return { ...job, config: settings };
  }

  /** The META item, read strongly consistent. */
  private async meta(jobId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await sendToTable(
      this.documents,
      new GetCommand({ TableName: this.tableName, Key: this.key(jobId), ConsistentRead: true }),
    );
    return Item;
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
    const { status, atRound, strategy, execution, unannouncedEnd } = transition.when;
    if (status) {
      const allowed = status.map((one, index) => value(`when_status_${index}`, one));
      conditions.push(`${name('status')} IN (${allowed.join(', ')})`);
    }
    if (atRound !== undefined) conditions.push(`${name('nextRound')} = ${value('when_round', atRound)}`);
    if (strategy) conditions.push(`${name('strategy')} = ${value('when_strategy', strategy)}`);
    if (execution) {
      // A job's first execution is named by the job id, which META does not repeat.
      const named = `${name('executionName')} = ${value('when_execution', execution.name)}`;
      conditions.push(
        execution.name === jobId ? `(attribute_not_exists(${name('executionName')}) OR ${named})` : named,
      );
      // An absent count is 0, which is at most any count and below any from 1.
      if (execution.redrivesAtMost !== undefined) {
        const count = name('executionRedriveCount');
        const most = value('when_redrives_at_most', execution.redrivesAtMost);
        conditions.push(`(attribute_not_exists(${count}) OR ${count} <= ${most})`);
      }
      if (execution.redrivesBelow !== undefined) {
        const count = name('executionRedriveCount');
        const below = value('when_redrives_below', execution.redrivesBelow);
        conditions.push(`(attribute_not_exists(${count}) OR ${count} < ${below})`);
      }
    }
    if (unannouncedEnd !== undefined) {
      const end = value('when_end', unannouncedEnd);
      const announced = name('announcedEnd');
      conditions.push(
        `${name('finishedAt')} = ${end}`,
        `(attribute_not_exists(${announced}) OR ${announced} <> ${end})`,
      );
    }
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
      return await this.record(Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** The job a META item holds, its configuration completed from its parts when META names them. */
  private async record(item: Record<string, unknown>): Promise<JobRecord> {
    const { configParts, ...job } = withoutKeys<JobRecord & { configParts?: ConfigParts }>(item);
    if (!configParts) return job;
    const text =
      this.cache.get(job.jobId, configParts.attemptId) ?? (await this.readParts(job.jobId, configParts));
    return { ...job, config: withConfigText(job.config, text) };
  }

  /**
   * The configuration text of a job from its parts: one paged, strongly consistent Query by prefix.
   * @throws CorruptDocumentError when parts are missing.
   */
  private async readParts(jobId: string, { attemptId, count }: ConfigParts): Promise<ConfigText> {
    const parts: string[] = [];
    for await (const item of queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
      ExpressionAttributeValues: { ':pk': jobKey(jobId), ':prefix': configPartPrefix(attemptId) },
    })) {
      parts.push(item.text as string);
    }
    if (parts.length !== count) {
      throw new CorruptDocumentError(
        `Job ${jobId} names ${count} configuration parts, but ${parts.length} are stored`,
      );
    }
    const text = readConfigText(parts);
    this.cache.keep(jobId, attemptId, text, charactersOf(parts));
    return text;
  }

  private key(jobId: string, sortKey = META_KEY) {
    return { [PARTITION_KEY]: jobKey(jobId), [SORT_KEY]: sortKey };
  }
}

function charactersOf(parts: readonly string[]): number {
  return parts.reduce((sum, part) => sum + part.length, 0);
}
