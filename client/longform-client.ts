import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { CloudFormationClientConfig } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SFNClient,
  type SFNClientConfig,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JobRecord, JobStore } from '../functions/adapters/job-store';
import { JobNotFoundError } from '../functions/core/errors';
import { executionArnOf } from '../functions/core/execution-arn';
import type { JobDefaults } from '../functions/core/job-config';
import { NO_USAGE } from '../functions/core/job-record';
import { jobIdOfExecution, jobIdTakenError, validateJobId } from '../functions/core/job-reference';
import { createDynamoDbClient, createJobStore, createS3Client } from '../functions/handlers/shared/clients';
import { endedAtFailState, HistoryDecoder } from './execution-history';
import { prepareExecutionInput } from './execution-input';
import { jobDocument } from './job-document';
import type { JobEvent } from './job-events';
import { planResume } from './resume-plan';
import { RoundCursor } from './round-cursor';
import { readStackOutputs } from './stack-outputs';

/** Where a Longform stack is, and how to reach it (standard SDK config; endpoints also from `AWS_ENDPOINT_URL_*`). */
export interface LongformClientOptions {
  /** The stack's state machine (its StateMachineArn output), or `serve`'s. */
  stateMachineArn: string;
  /** The stack's table (its TableName output), or `serve`'s `longform-jobs`. */
  tableName: string;
  sfn?: SFNClientConfig;
  dynamodb?: DynamoDBClientConfig;
  /** For `result` of jobs whose document was delivered to the stack's documents bucket. */
  s3?: S3ClientConfig;
  /**
   * The stack's `jobTtlDays` when it is not the default 30: a prompt the client stores in parts (inputs
   * over the execution-input limit) is kept this long, and must outlive its job. @default 30
   */
  jobTtlDays?: number;
  /**
   * The stack's job defaults, for inputs over 256 KiB that the client stores itself (see
   * `storedJobDefaults`): without them such an input must name modelId, maxTokensPerRound and maxRounds.
   */
  jobDefaults?: JobDefaults;
}

/** The job input `start` sends (docs/architecture.md, Execution input), with an optional job id. */
export type StartJobInput = Record<string, unknown> & { jobId?: string };

/** A started job: its id and the execution that runs it. */
export interface StartedJob {
  jobId: string;
  executionArn: string;
}

/** A job's latest execution and, once `Initialize job` (or the client) has stored it, its record. */
export interface JobStatus {
  jobId: string;
  /** The execution that ran the job most recently: the job id's, or a resume's. */
  executionArn: string;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE; absent when no execution has that name. */
  executionStatus?: string;
  error?: string;
  cause?: string;
  /** The stored job, absent until its execution has stored it (or when its input was refused). */
  job?: Omit<JobRecord, 'config'>;
}

/** A job as `list` gives it: the job and its latest execution. */
export interface ListedJob {
  jobId: string;
  executionStatus: string;
  /** The execution's name: the job id, or a resume's `<job id>-resume-<n>`. */
  executionName: string;
}

/** A resumed job: the execution that continues it, and whether that was a redrive of its last one. */
export interface ResumedJob {
  jobId: string;
  executionArn: string;
  /** `true`: RedriveExecution of the job's last execution; `false`: a new execution on the stored job. */
  redriven: boolean;
}

/** Options of {@link LongformClient.watch}. */
export interface WatchOptions {
  /** How long to wait between polls of the execution history and the job's rounds. Default 1000. */
  pollIntervalMs?: number;
  /** Ends the watch early (the generator returns without a `finished` event). */
  signal?: AbortSignal;
}

/** SDK client config for {@link LongformClient.fromStack}. */
export interface StackClientOptions extends Omit<LongformClientOptions, 'stateMachineArn' | 'tableName'> {
  cloudformation?: CloudFormationClientConfig;
}

/**
 * The stack's default `jobTtlDays`: the TTL a client's writes stamp (a job it stores, a resume's execution
 * name). The stack's steps stamp META with their own TTL later, but the write-once items of a stored
 * job's prompt keep this one, so it must be at least the stack's (`jobTtlDays` option).
 */
const DEFAULT_JOB_TTL_DAYS = 30;

/** History events read per request; the watch reads newest first and stops at what it has seen. */
const HISTORY_PAGE_SIZE = 100;

/** Resumed executions' names end so; `list` looks up which job such an execution ran. */
const RESUMED_EXECUTION = /-resume-\d+$/;

/**
 * Starts, watches and reads Longform jobs of a deployed stack or of `longform serve`, through the Step
 * Functions and DynamoDB APIs (and S3 for a delivered document, CloudFormation for `fromStack`): the same
 * code for both, told apart only by endpoints.
 */
export class LongformClient {
  private readonly sfn: SFNClient;
  private readonly documents: DynamoDBDocumentClient;
  private readonly store: JobStore;
  private readonly destroyTable: () => void;
  /** Made on first use: only `result` of a delivered document needs it. */
  private s3: S3Client | undefined;

  constructor(private readonly options: LongformClientOptions) {
    this.sfn = new SFNClient(options.sfn ?? {});
    const table = createDynamoDbClient(options.dynamodb ?? {});
    this.documents = DynamoDBDocumentClient.from(table);
    this.store = createJobStore(table, {
      tableName: options.tableName,
      jobTtlSeconds: (options.jobTtlDays ?? DEFAULT_JOB_TTL_DAYS) * 86_400,
    });
    this.destroyTable = () => table.destroy();
  }

  /**
   * A client of the deployed stack `stackName`, from its `StateMachineArn` and `TableName` outputs
   * (CloudFormation DescribeStacks; the only call to another AWS service, made once).
   * @throws StackOutputMissingError when the stack lacks one of them.
   */
  static async fromStack(stackName: string, options: StackClientOptions = {}): Promise<LongformClient> {
    const { cloudformation, ...rest } = options;
    return new LongformClient({ ...(await readStackOutputs(stackName, cloudformation)), ...rest });
  }

  /**
   * Starts the job as an execution named by its job id (a new one when absent). An input over the
   * execution input limit is validated and stored first, and the execution gets `{ "jobId" }`.
   * Idempotent on the job id: starting a job again with the same input returns its execution.
   * @throws InvalidInputError for invalid input, or when the job id was started with another input.
   */
  async start(request: StartJobInput): Promise<StartedJob> {
    const { jobId = randomUUID(), ...input } = request;
    validateJobId(jobId);
    const executionInput = await prepareExecutionInput(this.store, this.options.jobDefaults, jobId, input);
    try {
      const { executionArn } = await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.options.stateMachineArn,
          name: jobId,
          input: JSON.stringify(executionInput),
        }),
      );
      return { jobId, executionArn: executionArn as string };
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
      const existing = await this.describe(jobId);
      if (existing?.input === undefined || !isDeepStrictEqual(JSON.parse(existing.input), executionInput)) {
        throw jobIdTakenError(jobId);
      }
      // The same job: report the execution that runs it now (a resume's, if it was resumed).
      const job = await this.store.getJobState(jobId);
      return { jobId, executionArn: this.executionArn(job?.executionName ?? jobId) };
    }
  }

  /**
   * The job's latest execution (the one META names, else the job id's) and its stored record, without
   * its prompt.
   * @throws JobNotFoundError when neither an execution nor a job has that id.
   */
  async status(jobId: string): Promise<JobStatus> {
    const job = await this.store.getJobState(jobId);
    const executionName = job?.executionName ?? jobId;
    const execution = await this.describe(executionName);
    if (!execution && !job) throw new JobNotFoundError(`no execution or job has the id ${jobId}`);
    const { config: _settings, ...record } = job ?? { config: undefined };
    return {
      jobId,
      executionArn: this.executionArn(executionName),
      ...(execution?.status ? { executionStatus: execution.status } : {}),
      ...(execution?.error ? { error: execution.error } : {}),
      ...(execution?.cause ? { cause: execution.cause } : {}),
      ...(job ? { job: record as Omit<JobRecord, 'config'> } : {}),
    };
  }

  /**
   * The job's progress as it happens, from its execution history and its stored rounds: every round once
   * and in order (from round 1, whenever the watch starts), the failed attempts the state machine
   * retried, then one `finished` event. A redriven execution's history goes on; when the execution ends
   * and the job has moved to another (a resume), the watch follows it.
   * @throws JobNotFoundError when the job has no execution.
   */
  async *watch(jobId: string, options: WatchOptions = {}): AsyncGenerator<JobEvent> {
    const { pollIntervalMs = 1000, signal } = options;
    let executionName = (await this.store.getJobState(jobId))?.executionName ?? jobId;
    let decoder = new HistoryDecoder();
    const rounds = new RoundCursor(this.documents, this.options.tableName, jobId);
    while (!signal?.aborted) {
      const events = await this.historyAfter(executionName, decoder.lastEventId).catch((error: unknown) => {
        if (error instanceof ExecutionDoesNotExist) {
          throw new JobNotFoundError(`no execution ${executionName} runs job ${jobId}`);
        }
        throw error;
      });
      for (const item of decoder.decode(events)) {
        if (item.type === 'committed') yield* rounds.through(item.round);
        else {
          if (item.round !== undefined) yield* rounds.through(item.round - 1);
          yield item;
        }
      }
      const end = decoder.ended;
      if (end) {
        const job = await this.store.getJobState(jobId);
        const current = job?.executionName ?? jobId;
        if (current !== executionName) {
          executionName = current;
          decoder = new HistoryDecoder();
          continue;
        }
        yield* rounds.through();
        yield {
          type: 'finished',
          ...end,
          // A stopped execution ends without an error of its own; the job's recorded failure says why.
          ...(end.error === undefined && job?.failure
            ? { error: job.failure.name, cause: job.failure.message }
            : {}),
          ...(job ? { jobStatus: job.status } : {}),
          rounds: job ? job.nextRound - 1 : 0,
          documentCharacters: job?.documentCharacters ?? 0,
          usage: job?.usage ?? { ...NO_USAGE },
        };
        return;
      }
      try {
        await sleep(pollIntervalMs, undefined, signal ? { signal } : {});
      } catch {
        return; // aborted
      }
    }
  }

  /**
   * The job's document, piece by piece, never held whole in memory: the copy `Finalize job` delivered
   * (checked against its stamp) while it exists, otherwise the rounds stored so far.
   * @throws JobNotFoundError when no job is stored under the id.
   */
  async *result(jobId: string): AsyncGenerator<string> {
    const job = await this.store.getJobState(jobId);
    if (!job) throw new JobNotFoundError(`no job is stored under the id ${jobId}`);
    if (job.document?.location.startsWith('s3://')) this.s3 ??= createS3Client(this.options.s3 ?? {});
    yield* jobDocument(this.store, job, this.s3);
  }

  /**
   * Continues a job that did not complete: RedriveExecution of its latest execution when Step Functions
   * allows it and it did not end at a Fail state (a redrive re-runs the step that failed); otherwise a
   * new execution `<job id>-resume-<n>` with input `{ "jobId" }`, whose `Initialize job` reopens the job
   * (see `planResume`).
   * @throws JobAlreadyCompletedError, JobNotResumableError (running, or ended for good), JobNotFoundError.
   */
  async resume(jobId: string): Promise<ResumedJob> {
    const job = await this.store.getJobState(jobId);
    const executionName = job?.executionName ?? jobId;
    const execution = await this.describe(executionName);
    if (!execution && !job) throw new JobNotFoundError(`no execution or job has the id ${jobId}`);
    const executionArn = this.executionArn(executionName);
    const failedAtFailState =
      execution?.status === 'FAILED' && endedAtFailState(await this.latestEvents(executionArn));
    const plan = planResume(
      {
        jobId,
        executionName,
        failedAtFailState,
        ...(job ? { jobStatus: job.status } : {}),
        ...(execution?.status ? { executionStatus: execution.status } : {}),
        ...(execution?.stopDate ? { stopDate: execution.stopDate } : {}),
        ...(execution?.redriveStatus ? { redriveStatus: execution.redriveStatus } : {}),
      },
      new Date(),
    );
    if (plan.action === 'redrive') {
      await this.sfn.send(new RedriveExecutionCommand({ executionArn }));
      return { jobId, executionArn, redriven: true };
    }
    // Named on the job before it starts, so a watcher follows at once (Initialize would stamp it too).
    if (plan.executionName !== executionName) await this.store.stampExecution(jobId, plan.executionName);
    const input = JSON.stringify({ jobId });
    try {
      const started = await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.options.stateMachineArn,
          name: plan.executionName,
          input,
        }),
      );
      return { jobId, executionArn: started.executionArn as string, redriven: false };
    } catch (error) {
      // Another client resumed the job with the same name a moment ago: that execution is the resume.
      if (
        error instanceof ExecutionAlreadyExists &&
        (await this.describe(plan.executionName))?.input === input
      ) {
        return { jobId, executionArn: this.executionArn(plan.executionName), redriven: false };
      }
      throw error;
    }
  }

  /** Stops the job's latest execution (StopExecution); the stored rounds stay, and a stopped job is ABORTED. */
  async stop(jobId: string): Promise<void> {
    const job = await this.store.getJobState(jobId);
    await this.sfn.send(
      new StopExecutionCommand({ executionArn: this.executionArn(job?.executionName ?? jobId) }),
    );
  }

  /**
   * The state machine's jobs, newest first, each once with its latest execution's status: `limit` of
   * them at most.
   */
  async list(options: { status?: ExecutionStatus; limit?: number } = {}): Promise<ListedJob[]> {
    const jobs = new Map<string, ListedJob>();
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: this.options.stateMachineArn,
          ...(options.status ? { statusFilter: options.status } : {}),
          ...(options.limit ? { maxResults: Math.min(options.limit, 1000) } : {}),
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      for (const execution of page.executions ?? []) {
        const executionName = execution.name as string;
        // A resumed execution has its own name; its input says which job it ran.
        const jobId = RESUMED_EXECUTION.test(executionName)
          ? jobIdOfExecution(executionName, (await this.describe(executionName))?.input)
          : executionName;
        if (jobs.has(jobId) || (options.limit !== undefined && jobs.size >= options.limit)) continue;
        jobs.set(jobId, { jobId, executionStatus: execution.status as string, executionName });
      }
      nextToken = page.nextToken;
    } while (nextToken && (options.limit === undefined || jobs.size < options.limit));
    return [...jobs.values()];
  }

  /** Closes the SDK clients. */
  destroy(): void {
    this.sfn.destroy();
    this.s3?.destroy();
    this.destroyTable();
  }

  /** The execution's description, `undefined` when no execution has the name. */
  private async describe(executionName: string): Promise<DescribeExecutionCommandOutput | undefined> {
    try {
      return await this.sfn.send(
        new DescribeExecutionCommand({ executionArn: this.executionArn(executionName) }),
      );
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    }
  }

  /** The newest events of an execution's history, newest first (one page). */
  private async latestEvents(executionArn: string): Promise<HistoryEvent[]> {
    const page = await this.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 20 }),
    );
    return page.events ?? [];
  }

  /**
   * The events of an execution's history after event `afterId`, oldest first: read newest first, page
   * by page, until a page reaches what was read before, so a poll of a long history reads one page.
   */
  private async historyAfter(executionName: string, afterId: number): Promise<HistoryEvent[]> {
    const found: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(
        new GetExecutionHistoryCommand({
          executionArn: this.executionArn(executionName),
          reverseOrder: true,
          maxResults: HISTORY_PAGE_SIZE,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      const events = page.events ?? [];
      found.push(...events.filter((event) => (event.id ?? 0) > afterId));
      if (events.some((event) => (event.id ?? 0) <= afterId)) break;
      nextToken = page.nextToken;
    } while (nextToken);
    // Oldest first; an endpoint whose pages shift as events arrive may repeat one, which the decoder skips.
    return found.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  }

  private executionArn(executionName: string): string {
    return executionArnOf(this.options.stateMachineArn, executionName);
  }
}
