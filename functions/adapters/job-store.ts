import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DocumentAssembler } from '../core/document-assembler';
import { classifyStoreError } from '../core/error-classification';
import { CorruptDocumentError } from '../core/errors';
import type { ContinuationStrategy, JobConfig } from '../core/job-config';
import type { JobStatus } from '../core/job-status';
import type { SeamRule } from '../core/seam-rule';
import { splitUtf8 } from '../core/split-utf8';
import type { StopReason } from '../core/stop-reason';
import type { RoundDecision } from '../core/stop-reason-policy';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './job-table-keys';

/** Round text above this many UTF-8 bytes is split into part items (the item limit is 400 KB). */
export const ROUND_PART_BYTES = 350_000;

/** How much longer than META a round item lives: longer than a job of 1,500 15-minute rounds (16 days) runs. */
const ROUND_TTL_MARGIN_SECONDS = 21 * 86_400;

/** Token counts summed over a job's rounds. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** Why a job ended without completing: the error name the execution fails with, and a message. */
export interface JobFailure {
  name: string;
  message: string;
}

/** The META item of a job. */
export interface JobRecord {
  jobId: string;
  status: JobStatus;
  config: JobConfig;
  /** Strategy rounds use now; `auto` jobs switch from prefill to instruction at most once. */
  strategy: ContinuationStrategy;
  strategySwitchedAtRound?: number;
  /** The round the job runs next (1-based); rounds before it are stored. */
  nextRound: number;
  documentCharacters: number;
  noProgressRounds: number;
  usage: Usage;
  stopReason?: StopReason;
  failure?: JobFailure;
  /** The latest error the state machine is retrying (or gave up retrying); cleared when a round succeeds. */
  lastError?: JobFailure & { round: number; at: string };
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

/** One stored round: the raw model text and everything needed to fold it into the document. */
export interface RoundRecord {
  round: number;
  text: string;
  strategy: ContinuationStrategy;
  seam: SeamRule;
  stopReason: StopReason;
  usage: Usage;
  latencyMs: number;
  /** Document length after this round. */
  documentCharacters: number;
  decision: RoundDecision;
  createdAt: string;
}

/** Fields a finished round writes to META, guarded by the round it finished. */
export interface JobAdvance {
  round: number;
  documentCharacters: number;
  noProgressRounds: number;
  usage: Usage;
  stopReason: StopReason;
  /** Present when the round ended the job. */
  finalStatus?: JobStatus;
  failure?: JobFailure;
}

interface StoredRound extends Omit<RoundRecord, 'text'> {
  text: string;
  attemptId: string;
  partCount: number;
}

const jobKey = (jobId: string) => `JOB#${jobId}`;
const roundKey = (round: number) => `ROUND#${String(round).padStart(6, '0')}`;
const partKey = (round: number, attemptId: string, part: number) =>
  `${roundKey(round)}#${attemptId}#p${String(part).padStart(2, '0')}`;
const ROUND_KEY_PATTERN = /^ROUND#\d{6}$/;
const ATTRIBUTE_NAMES: Record<string, string> = Object.fromEntries(
  [
    'status',
    'nextRound',
    'documentCharacters',
    'noProgressRounds',
    'usage',
    'stopReason',
    'updatedAt',
    'failure',
    'finishedAt',
    'strategy',
    'strategySwitchedAtRound',
    'lastError',
  ]
    .map((name) => [`#${name}`, name])
    .concat([
      ['#pk', PARTITION_KEY],
      ['#expiresAt', TTL_ATTRIBUTE],
    ]),
);

/**
 * The DynamoDB job store of DESIGN §4: one META item per job, one item per round (plus part items
 * for long rounds). Every write that could be repeated by a retry is conditional, so no retry or
 * redrive loses or duplicates text.
 */
export class JobStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly ttlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates META for a new job; returns `'exists'` (writing nothing) when the job id is taken. */
  async createJob(
    jobId: string,
    config: JobConfig,
    strategy: ContinuationStrategy,
    status: 'PENDING' | 'RUNNING',
  ): Promise<'created' | 'exists'> {
    const at = this.now().toISOString();
    const record: JobRecord = {
      jobId,
      status,
      config,
      strategy,
      nextRound: 1,
      documentCharacters: 0,
      noProgressRounds: 0,
      usage: { inputTokens: 0, outputTokens: 0 },
      createdAt: at,
      updatedAt: at,
    };
    const created = await this.putIfAbsent({
      ...this.key(jobId, 'META'),
      ...record,
      [TTL_ATTRIBUTE]: this.expiry(),
    });
    return created ? 'created' : 'exists';
  }

  /** Moves a client-stored job from PENDING to RUNNING; a job already running is left as it is. */
  async startJob(jobId: string): Promise<void> {
    await this.conditionalUpdate(jobId, 'SET #status = :running, #updatedAt = :at', '#status = :pending', {
      ':running': 'RUNNING',
      ':pending': 'PENDING',
    });
  }

  /** Reads META with a strongly consistent read. */
  async getJob(jobId: string): Promise<JobRecord | undefined> {
    const { Item } = await this.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(jobId, 'META'), ConsistentRead: true }),
    );
    return Item ? stripKeys<JobRecord>(Item) : undefined;
  }

  /** Reads one committed round with its full text, or `undefined` when it was never committed. */
  async getRound(jobId: string, round: number): Promise<RoundRecord | undefined> {
    const { Item } = await this.send(
      new GetCommand({
        TableName: this.tableName,
        Key: this.key(jobId, roundKey(round)),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const stored = stripKeys<StoredRound>(Item);
    if (stored.partCount === 1) return toRoundRecord(stored, stored.text);
    const parts = [stored.text];
    for await (const item of this.queryItems(jobId, `${roundKey(round)}#${stored.attemptId}#`)) {
      parts.push(item.text as string);
    }
    return toRoundRecord(stored, joinParts(jobId, stored, parts));
  }

  /**
   * Commits a round. Part items are written first under a fresh attempt id, then the round item
   * with `attribute_not_exists`: the round item is the commit point, so an attempt that loses the
   * race returns `'exists'` and its parts are never read.
   */
  async putRound(jobId: string, record: RoundRecord): Promise<'written' | 'exists'> {
    const attemptId = randomUUID().slice(0, 8);
    const [first = '', ...rest] = splitUtf8(record.text, ROUND_PART_BYTES);
    // Rounds are written once, META again at every step: rounds outlive META by the longest a job may
    // run, so a document never loses its early rounds while its job is still listed.
    const expiresAt = this.expiry() + ROUND_TTL_MARGIN_SECONDS;
    for (const [index, text] of rest.entries()) {
      await this.send(
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
    const written = await this.putIfAbsent({
      ...this.key(jobId, roundKey(record.round)),
      ...stored,
      [TTL_ATTRIBUTE]: expiresAt,
    });
    return written ? 'written' : 'exists';
  }

  /** Advances META past `advance.round`; `'stale'` when META is no longer at that round (a retry). */
  async advanceJob(jobId: string, advance: JobAdvance): Promise<'advanced' | 'stale'> {
    const sets = [
      '#nextRound = :next',
      '#documentCharacters = :chars',
      '#noProgressRounds = :noProgress',
      '#usage = :usage',
      '#stopReason = :stopReason',
      '#updatedAt = :at',
      '#expiresAt = :expiresAt',
    ];
    const values: Record<string, unknown> = {
      ':next': advance.round + 1,
      ':chars': advance.documentCharacters,
      ':noProgress': advance.noProgressRounds,
      ':usage': advance.usage,
      ':stopReason': advance.stopReason,
      ':round': advance.round,
      ':running': 'RUNNING',
      ':expiresAt': this.expiry(),
    };
    if (advance.finalStatus) {
      sets.push('#status = :final');
      values[':final'] = advance.finalStatus;
    }
    if (advance.failure) {
      sets.push('#failure = :failure');
      values[':failure'] = advance.failure;
    }
    const updated = await this.conditionalUpdate(
      jobId,
      `SET ${sets.join(', ')} REMOVE #lastError`,
      '#nextRound = :round AND #status = :running',
      values,
    );
    return updated ? 'advanced' : 'stale';
  }

  /**
   * Ends a job at `round` without storing that round (the model could not be asked: the context window
   * is full). Guarded like {@link advanceJob}; returns whether this call ended it.
   */
  async endJobAtRound(
    jobId: string,
    round: number,
    end: { status: JobStatus; stopReason: StopReason; failure: JobFailure },
  ): Promise<boolean> {
    return this.conditionalUpdate(
      jobId,
      'SET #status = :final, #stopReason = :stopReason, #failure = :failure, #updatedAt = :at',
      '#nextRound = :round AND #status = :running',
      {
        ':final': end.status,
        ':stopReason': end.stopReason,
        ':failure': end.failure,
        ':round': round,
        ':running': 'RUNNING',
      },
    );
  }

  /**
   * Notes a retriable error of round `round` on a running job, so `status` can say why a job makes no
   * progress (or why its execution stopped once retries ran out). Cleared by the next advance.
   */
  async noteRetriableError(jobId: string, round: number, failure: JobFailure): Promise<void> {
    await this.conditionalUpdate(
      jobId,
      'SET #lastError = :lastError, #updatedAt = :at',
      '#nextRound = :round AND #status = :running',
      {
        ':lastError': { ...failure, round, at: this.now().toISOString() },
        ':round': round,
        ':running': 'RUNNING',
      },
    );
  }

  /** Records an `auto` job's switch to instruction mode, once, at the round that found prefill rejected. */
  async switchStrategy(jobId: string, round: number, strategy: ContinuationStrategy): Promise<void> {
    await this.conditionalUpdate(
      jobId,
      'SET #strategy = :strategy, #strategySwitchedAtRound = :round, #updatedAt = :at',
      '#nextRound = :round AND #strategy <> :strategy',
      { ':strategy': strategy, ':round': round },
    );
  }

  /** Stamps the end of a job (idempotent). */
  async markFinished(jobId: string): Promise<void> {
    await this.conditionalUpdate(
      jobId,
      'SET #finishedAt = if_not_exists(#finishedAt, :at), #updatedAt = :at, #expiresAt = :expiresAt',
      'attribute_exists(#pk)',
      { ':expiresAt': this.expiry() },
    );
  }

  /**
   * Marks a running or pending job FAILED with the error; a job that already ended keeps its status.
   * With `atRound`, only while the job is still at that round: an attempt that lost a race with a
   * newer one must not fail a job that moved on.
   */
  async failJob(jobId: string, failure: JobFailure, atRound?: number): Promise<void> {
    await this.conditionalUpdate(
      jobId,
      'SET #status = :failed, #failure = :failure, #finishedAt = :at, #updatedAt = :at, #expiresAt = :expiresAt',
      atRound === undefined
        ? '#status IN (:running, :pending)'
        : '#status IN (:running, :pending) AND #nextRound = :round',
      {
        ':failed': 'FAILED',
        ':failure': failure,
        ':running': 'RUNNING',
        ':pending': 'PENDING',
        ':expiresAt': this.expiry(),
        ...(atRound === undefined ? {} : { ':round': atRound }),
      },
    );
  }

  /**
   * Re-opens a job that ended FAILED so its execution can be redriven or resumed: the stored rounds stay,
   * the job continues at its next round.
   */
  async reopenJob(jobId: string): Promise<boolean> {
    return this.conditionalUpdate(
      jobId,
      'SET #status = :running, #updatedAt = :at REMOVE #failure, #finishedAt',
      '#status = :failed',
      { ':running': 'RUNNING', ':failed': 'FAILED' },
    );
  }

  /**
   * Streams the document: a deterministic fold of the committed rounds in order, page by page, holding
   * back only the tail a later seam may still cut.
   */
  async *streamDocument(jobId: string, throughRound = Number.POSITIVE_INFINITY): AsyncGenerator<string> {
    const job = await this.getJob(jobId);
    const holdBack = Math.max(0, ...(job?.config.stopSequences ?? []).map((s) => s.length));
    const assembler = new DocumentAssembler(holdBack);
    let current: { stored: StoredRound; parts: string[] } | undefined;
    // The assembler never ends a piece between the halves of a surrogate pair, so each piece can be
    // written out as UTF-8 on its own.
    const flush = () => {
      if (!current) return '';
      const { stored, parts } = current;
      current = undefined;
      return assembler.push(joinParts(jobId, stored, parts), stored.seam);
    };
    for await (const item of this.queryItems(jobId, 'ROUND#')) {
      const sk = item[SORT_KEY] as string;
      if (ROUND_KEY_PATTERN.test(sk)) {
        const out = flush();
        if (out) yield out;
        const stored = stripKeys<StoredRound>(item);
        if (stored.round > throughRound) break;
        current = { stored, parts: [stored.text] };
      } else if (current && sk.startsWith(`${roundKey(current.stored.round)}#${current.stored.attemptId}#`)) {
        current.parts.push(item.text as string);
      }
    }
    const out = flush() + assembler.finish();
    if (out) yield out;
  }

  /** The whole document through `throughRound` as one string (the round handler needs it to continue). */
  async loadDocument(jobId: string, throughRound?: number): Promise<string> {
    let text = '';
    for await (const piece of this.streamDocument(jobId, throughRound)) text += piece;
    return text;
  }

  private async *queryItems(jobId: string, skPrefix: string): AsyncGenerator<Record<string, unknown>> {
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
        ExpressionAttributeValues: { ':pk': jobKey(jobId), ':prefix': skPrefix },
        ConsistentRead: true,
      },
    );
    try {
      for await (const page of pages) yield* page.Items ?? [];
    } catch (error) {
      throw classifyStoreError(error);
    }
  }

  /** Writes an item unless one with its key exists; `false` (nothing written) when it does. */
  private async putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.send(
        new PutCommand({
          TableName: this.tableName,
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

  private async conditionalUpdate(
    jobId: string,
    update: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    // Every attribute is referred to by a #name: several (status, usage) are DynamoDB reserved words.
    const expressions = `${update} ${condition}`;
    const names = Object.fromEntries(
      Object.entries(ATTRIBUTE_NAMES).filter(([placeholder]) =>
        new RegExp(`${placeholder}\\b`).test(expressions),
      ),
    );
    try {
      await this.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(jobId, 'META'),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':at': this.now().toISOString(), ...values },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: the document client's commands share no useful common type
  private async send(command: any): Promise<any> {
    try {
      return await this.documents.send(command);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw error;
      throw classifyStoreError(error);
    }
  }

  private key(jobId: string, sk: string) {
    return { [PARTITION_KEY]: jobKey(jobId), [SORT_KEY]: sk };
  }

  private expiry(): number {
    return Math.floor(this.now().getTime() / 1000) + this.ttlSeconds;
  }
}

function stripKeys<T>(item: Record<string, unknown>): T {
  const { [PARTITION_KEY]: _pk, [SORT_KEY]: _sk, [TTL_ATTRIBUTE]: _ttl, ...rest } = item;
  return rest as T;
}

/** A round's full text from its parts; a missing part is a corrupt document, never a shorter one. */
function joinParts(jobId: string, stored: StoredRound, parts: string[]): string {
  if (parts.length !== stored.partCount) {
    throw new CorruptDocumentError(
      `Round ${stored.round} of job ${jobId} has ${parts.length} of ${stored.partCount} parts`,
    );
  }
  return parts.join('');
}

function toRoundRecord(stored: StoredRound, text: string): RoundRecord {
  const { attemptId: _attempt, partCount: _parts, ...record } = stored;
  return { ...record, text };
}
