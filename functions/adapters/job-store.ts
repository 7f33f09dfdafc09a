import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigCache } from '../core/config-cache';
import { DocumentCache } from '../core/document-cache';
import type { ContinuationStrategy, JobConfig } from '../core/job-config';
import {
  advanceTransition,
  announcedTransition,
  claimRunTransition,
  deliveredTransition,
  type EndedRun,
  type ExecutionRun,
  endAtRoundTransition,
  failTransition,
  finishTransition,
  noteErrorTransition,
  reopenTransition,
  stampExecutionTransition,
  startTransition,
  switchToInstructionTransition,
} from '../core/job-lifecycle';
import { type DeliveredDocument, type JobFailure, type JobRecord, newJobRecord } from '../core/job-record';
import type { JobStatus } from '../core/job-status';
import type { RoundRecord } from '../core/round-record';
import type { StopReason } from '../core/stop-reason';
import { DocumentReader, type RoundStart } from './document-reader';
import { type JobState, JobTable } from './job-table';
import { RoundTable } from './round-table';

export type { DeliveredDocument, JobFailure, JobRecord, Usage } from '../core/job-record';
export type { RoundRecord } from '../core/round-record';
export type { JobState } from './job-table';

/** How much longer than META a round item lives: longer than a job of 1,500 15-minute rounds (16 days) runs. */
const ROUND_TTL_MARGIN_SECONDS = 21 * 86_400;

/** Options of a {@link JobStore}. */
export interface JobStoreOptions {
  /**
   * Documents kept across the invocations of a warm function. Build the store (or this cache) once per
   * container; by default each store has its own.
   */
  documentCache?: DocumentCache;
  /** Configuration texts kept across invocations, like {@link documentCache}. */
  configCache?: ConfigCache;
}

/**
 * The job store (docs/architecture.md, "Storage"): one META item per job (plus part items for a long
 * prompt), one item per round (plus part items for long rounds), through the job table, the round table and the document reader. The
 * lifecycle rules are core transitions; every write that could be repeated by a retry is conditional,
 * so no retry or redrive loses or duplicates text, and every META write returns the new record.
 */
export class JobStore {
  private readonly jobs: JobTable;
  private readonly rounds: RoundTable;
  private readonly documents: DocumentReader;

  constructor(
    client: DynamoDBDocumentClient,
    tableName: string,
    ttlSeconds: number,
    options: JobStoreOptions = {},
  ) {
    const expiresAt = () => Math.floor(Date.now() / 1000) + ttlSeconds;
    // Rounds and configuration parts are written once, META at every step: they outlive META by the
    // longest a job may run, so a job still listed never loses its early rounds or its prompt.
    const writtenOnceExpiresAt = () => expiresAt() + ROUND_TTL_MARGIN_SECONDS;
    this.jobs = new JobTable(
      client,
      tableName,
      expiresAt,
      writtenOnceExpiresAt,
      options.configCache ?? new ConfigCache(),
    );
    this.rounds = new RoundTable(client, tableName, writtenOnceExpiresAt);
    this.documents = new DocumentReader(this.rounds, options.documentCache ?? new DocumentCache());
  }

  /**
   * Creates META for a new job. When the job id is taken nothing is written and `job` is the stored one
   * (`undefined` if it vanished meanwhile).
   */
  async createJob(
    jobId: string,
    config: JobConfig,
    strategy: ContinuationStrategy,
    status: 'PENDING' | 'RUNNING',
  ): Promise<{ created: boolean; job: JobRecord | undefined }> {
    const job = newJobRecord(jobId, config, strategy, status, this.at());
    if (await this.jobs.create(job)) return { created: true, job };
    return { created: false, job: await this.jobs.get(jobId) };
  }

  /** Reads META with a strongly consistent read. */
  getJob(jobId: string): Promise<JobRecord | undefined> {
    return this.jobs.get(jobId);
  }

  /**
   * Reads META with a strongly consistent read, without the configuration text: a long prompt's parts
   * (up to 4 MiB) are not read. For whatever needs the job's state rather than its prompt.
   */
  getJobState(jobId: string): Promise<JobState | undefined> {
    return this.jobs.getState(jobId);
  }

  /** Moves a client-stored job from PENDING to RUNNING; `undefined` (unchanged) unless it was PENDING. */
  startJob(jobId: string): Promise<JobRecord | undefined> {
    return this.jobs.apply(jobId, startTransition(this.at()));
  }

  /** Records that the job now runs under the execution `executionName` (see {@link JobRecord.executionName}). */
  async stampExecution(jobId: string, executionName: string): Promise<void> {
    await this.jobs.apply(jobId, stampExecutionTransition(executionName, this.at()));
  }

  /**
   * Records that a redrive (`run`) of the job's execution now runs the job, so the late end of an earlier
   * run leaves it alone; the job as it is now, `undefined` when that run, or a later one, claimed it
   * first (or another execution runs the job).
   */
  claimRun(jobId: string, run: ExecutionRun): Promise<JobRecord | undefined> {
    return this.jobs.apply(jobId, claimRunTransition(run, this.at()));
  }

  /** Reads one committed round with its full text, or `undefined` when it was never committed. */
  getRound(jobId: string, round: number): Promise<RoundRecord | undefined> {
    return this.rounds.get(jobId, round);
  }

  /** Commits a round once: `'exists'` (nothing written) when an attempt committed it first. */
  putRound(jobId: string, record: RoundRecord): Promise<'written' | 'exists'> {
    return this.rounds.put(jobId, record);
  }

  /** The document before round `round` and, if committed already, the round (see {@link DocumentReader.roundStart}). */
  roundStart(job: JobRecord, round: number): Promise<RoundStart> {
    return this.documents.roundStart(job, round);
  }

  /**
   * Moves `job` past the committed `record` and keeps the document through it for the next round.
   * Returns the job as it is now, or `undefined` when META is no longer at that round (a retry).
   */
  async advanceJob(
    job: JobRecord,
    record: RoundRecord,
    documentSoFar: string,
  ): Promise<JobRecord | undefined> {
    const advanced = await this.jobs.apply(job.jobId, advanceTransition(job, record, this.at()));
    if (advanced) this.documents.rememberRound(advanced, documentSoFar, record);
    return advanced;
  }

  /** Ends a job at `round` without storing that round; `undefined` when it was no longer at that round. */
  endJobAtRound(
    jobId: string,
    round: number,
    end: { status: JobStatus; stopReason: StopReason; failure: JobFailure },
  ): Promise<JobRecord | undefined> {
    return this.jobs.apply(jobId, endAtRoundTransition(round, end, this.at()));
  }

  /** Notes a retriable error of round `round` on a running job (cleared by the next advance). */
  async noteRetriableError(jobId: string, round: number, failure: JobFailure): Promise<void> {
    await this.jobs.apply(jobId, noteErrorTransition(round, failure, this.at()));
  }

  /** Records an `auto` job's switch from prefill to instruction, once, at the round that found prefill rejected. */
  async switchToInstruction(jobId: string, round: number): Promise<void> {
    await this.jobs.apply(jobId, switchToInstructionTransition(round, this.at()));
  }

  /** Stamps the end of a job (idempotent); the job as it is now, `undefined` when it does not exist. */
  markFinished(jobId: string): Promise<JobRecord | undefined> {
    return this.jobs.apply(jobId, finishTransition(this.at()));
  }

  /**
   * Records where an ended job's document was delivered, once (a repeat keeps the first stamp; `replace`
   * replaces the stamp of an earlier end); the job as it is now, `undefined` when it does not exist or was
   * re-opened meanwhile.
   */
  recordDocument(
    jobId: string,
    document: DeliveredDocument,
    replace = false,
  ): Promise<JobRecord | undefined> {
    return this.jobs.apply(jobId, deliveredTransition(document, this.at(), replace));
  }

  /**
   * Records that the end stamped at `finishedAt` was delivered and announced; the job as it is now, or
   * `undefined` when that end was recorded already (or the job was re-opened or ended again meanwhile).
   */
  recordAnnounced(jobId: string, finishedAt: string): Promise<JobRecord | undefined> {
    return this.jobs.apply(jobId, announcedTransition(finishedAt, this.at()));
  }

  /**
   * Marks a running or pending job FAILED with the error (with `atRound`, only while it is at that
   * round; with `run`, only while that run of an execution, or an earlier one, runs it); `undefined`
   * when the job was left as it was.
   */
  failJob(
    jobId: string,
    failure: JobFailure,
    atRound?: number,
    run?: EndedRun,
  ): Promise<JobRecord | undefined> {
    return this.jobs.apply(jobId, failTransition(failure, this.at(), atRound, run));
  }

  /** Re-opens a FAILED job at its next round; `undefined` when it was not FAILED. */
  reopenJob(jobId: string): Promise<JobRecord | undefined> {
    return this.jobs.apply(jobId, reopenTransition(this.at()));
  }

  /**
   * Streams the document through `throughRound` (all of it by default): a deterministic fold of the
   * committed rounds in order, page by page, holding back only the tail a later seam may still cut.
   */
  async *streamDocument(jobId: string, throughRound?: number): AsyncGenerator<string> {
    const job = await this.jobs.getState(jobId);
    const holdBack = Math.max(0, ...(job?.config.stopSequences ?? []).map((s) => s.length));
    yield* this.documents.stream(jobId, holdBack, throughRound);
  }

  /** The whole document through `throughRound` as one string. */
  async loadDocument(jobId: string, throughRound?: number): Promise<string> {
    let text = '';
    for await (const piece of this.streamDocument(jobId, throughRound)) text += piece;
    return text;
  }

  private at(): string {
    return new Date().toISOString();
  }
}
