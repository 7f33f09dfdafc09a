import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { CloudFormationClientConfig } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type ExecutionStatus,
  ListExecutionsCommand,
  SFNClient,
  type SFNClientConfig,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { JobRecord, JobStore } from '../functions/adapters/job-store';
import { JobNotFoundError } from '../functions/core/errors';
import { createDynamoDbClient, createJobStore } from '../functions/handlers/shared/clients';
import type { JobEvent } from './job-events';

export type { FinishedEvent, JobEvent, RetryEvent, RoundEvent, Usage } from './job-events';

/** Where a Longform stack is, and how to reach it (standard SDK config; endpoints also from `AWS_ENDPOINT_URL_*`). */
export interface LongformClientOptions {
  /** The stack's state machine (its StateMachineArn output), or `serve`'s. */
  stateMachineArn: string;
  /** The stack's table (its TableName output), or `serve`'s `longform-jobs`. */
  tableName: string;
  sfn?: SFNClientConfig;
  dynamodb?: DynamoDBClientConfig;
}

/** The job input `start` sends (docs/architecture.md, Execution input), with an optional job id. */
export type StartJobInput = Record<string, unknown> & { jobId?: string };

/** A started job: its id and the execution that runs it. */
export interface StartedJob {
  jobId: string;
  executionArn: string;
}

/** A job's execution and, once `Initialize job` has stored it, its record. */
export interface JobStatus {
  jobId: string;
  executionArn: string;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE; absent when no execution has that name. */
  executionStatus?: string;
  error?: string;
  cause?: string;
  /** The stored job, absent until its execution has stored it (or when its input was refused). */
  job?: Omit<JobRecord, 'config'>;
}

/** A job as `list` gives it. */
export interface ListedJob {
  jobId: string;
  executionStatus: string;
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
export interface StackClientOptions {
  sfn?: SFNClientConfig;
  dynamodb?: DynamoDBClientConfig;
  cloudformation?: CloudFormationClientConfig;
}

/** Reads jobs only: the TTL a store stamps on writes does not matter to it. */
const READ_ONLY_TTL_SECONDS = 86_400;

/**
 * Starts and reads Longform jobs of a deployed stack or of `longform serve`, through the Step Functions
 * and DynamoDB APIs alone: the same code for both, told apart only by endpoints.
 */
export class LongformClient {
  private readonly sfn: SFNClient;
  private readonly store: JobStore;
  private readonly destroyTable: () => void;

  constructor(private readonly options: LongformClientOptions) {
    this.sfn = new SFNClient(options.sfn ?? {});
    const table = createDynamoDbClient(options.dynamodb ?? {});
    this.store = createJobStore(table, {
      tableName: options.tableName,
      jobTtlSeconds: READ_ONLY_TTL_SECONDS,
    });
    this.destroyTable = () => table.destroy();
  }

  /** A client of the stack `stackName`, from its StateMachineArn and TableName outputs (DescribeStacks). */
  static async fromStack(stackName: string, options: StackClientOptions = {}): Promise<LongformClient> {
    void stackName;
    void options;
    throw new Error('fromStack is being built');
  }

  /**
   * Starts the job as an execution named by its job id (a new one when absent). Idempotent on the job
   * id: starting a job that was started with the same input returns that execution.
   * @throws ExecutionAlreadyExists when the job id was started with another input.
   */
  async start(request: StartJobInput): Promise<StartedJob> {
    const { jobId = randomUUID(), ...input } = request;
    const body = JSON.stringify(input);
    try {
      const { executionArn } = await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.options.stateMachineArn,
          name: jobId,
          input: body,
        }),
      );
      return { jobId, executionArn: executionArn as string };
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
      const executionArn = this.executionArn(jobId);
      const existing = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (existing.input === undefined || !isDeepStrictEqual(JSON.parse(existing.input), input)) throw error;
      return { jobId, executionArn };
    }
  }

  /**
   * The job's execution status and stored record (without its prompt).
   * @throws JobNotFoundError when neither an execution nor a job has that id.
   */
  async status(jobId: string): Promise<JobStatus> {
    const executionArn = this.executionArn(jobId);
    const [execution, job] = await Promise.all([
      this.sfn.send(new DescribeExecutionCommand({ executionArn })).catch((error: unknown) => {
        if (error instanceof ExecutionDoesNotExist) return undefined;
        throw error;
      }),
      this.store.getJob(jobId),
    ]);
    if (!execution && !job) throw new JobNotFoundError(`no execution or job has the id ${jobId}`);
    const { config: _prompt, ...record } = job ?? { config: undefined };
    return {
      jobId,
      executionArn,
      ...(execution?.status ? { executionStatus: execution.status } : {}),
      ...(execution?.error ? { error: execution.error } : {}),
      ...(execution?.cause ? { cause: execution.cause } : {}),
      ...(job ? { job: record as Omit<JobRecord, 'config'> } : {}),
    };
  }

  /**
   * The job's document as stored so far, piece by piece, never held whole in memory.
   * @throws JobNotFoundError when no job is stored under the id.
   */
  async *result(jobId: string): AsyncGenerator<string> {
    if (!(await this.store.getJob(jobId)))
      throw new JobNotFoundError(`no job is stored under the id ${jobId}`);
    yield* this.store.streamDocument(jobId);
  }

  /**
   * The job's progress as it happens: every round once and in order, the retried failures of its steps,
   * then one `finished` event, following the job across redrives and resumes.
   */
  // biome-ignore lint/correctness/useYield: being built
  async *watch(jobId: string, options: WatchOptions = {}): AsyncGenerator<JobEvent> {
    void jobId;
    void options;
    throw new Error('watch is being built');
  }

  /** Continues a job that did not complete: RedriveExecution when possible, otherwise a new execution. */
  async resume(jobId: string): Promise<ResumedJob> {
    void jobId;
    throw new Error('resume is being built');
  }

  /** Stops the job's execution (StopExecution); the stored rounds stay, and a stopped job is ABORTED. */
  async stop(jobId: string): Promise<void> {
    await this.sfn.send(new StopExecutionCommand({ executionArn: this.executionArn(jobId) }));
  }

  /** The state machine's jobs, newest first: their ids and execution statuses, `limit` of them at most. */
  async list(options: { status?: ExecutionStatus; limit?: number } = {}): Promise<ListedJob[]> {
    const jobs: ListedJob[] = [];
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
        jobs.push({ jobId: execution.name as string, executionStatus: execution.status as string });
      }
      nextToken = page.nextToken;
    } while (nextToken && (options.limit === undefined || jobs.length < options.limit));
    return options.limit === undefined ? jobs : jobs.slice(0, options.limit);
  }

  /** Closes the SDK clients. */
  destroy(): void {
    this.sfn.destroy();
    this.destroyTable();
  }

  /** Step Functions names an execution `arn:...:execution:<state machine name>:<execution name>`. */
  private executionArn(jobId: string): string {
    return `${this.options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${jobId}`;
  }
}
