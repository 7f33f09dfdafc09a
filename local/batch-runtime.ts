import './node20-polyfill';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { executionArnOf } from '../functions/core/execution-arn';
import { addUsage, type JobRecord, NO_USAGE, type Usage } from '../functions/core/job-record';
import { buildBatchDefinition } from './batch-definition';
import { ManifestLineError, unparsableLine } from './batch-manifest';
import { exceedsTolerance, type FailedItem, toLocalBatchDefinition } from './distributed-map-stand-in';
import { LOCAL_BATCH_STATE_MACHINE_ARN, LOCAL_STATE_MACHINE_ARN } from './local-arns';
import type { OfflineRuntime } from './offline-runtime';

/** Options of {@link runBatch}. */
export interface BatchOptions {
  /** The batch execution's name: a line without a `jobId` becomes job `<name>-<line index>`. */
  name: string;
  /** Jobs run at once (the Distributed Map's MaxConcurrency). */
  maxConcurrency: number;
  /** Failed lines, in percent of all, that still let the batch succeed. */
  toleratedFailurePercentage: number;
  /** Called whenever an item starts or ends. */
  onProgress?: (progress: BatchProgress) => void;
}

/** Where a batch is, for a live summary line. */
export interface BatchProgress {
  total: number;
  completed: number;
  running: number;
  failed: number;
  /** Tokens of the items that ended (input, output and cache). */
  tokens: number;
}

/** One line's outcome: its job, and how it ended or why it failed. */
export interface BatchItem {
  index: number;
  jobId: string;
  /**
   * COMPLETED; or how the line's job ended (FAILED, MAX_ROUNDS_REACHED...) when its child execution's
   * failure is that end; else FAILED (a bad line, or a job id that another input has taken).
   */
  status: string;
  rounds?: number;
  documentCharacters?: number;
  usage?: Usage;
  /** The error name and message of an item that did not complete. */
  error?: string;
  cause?: string;
}

/** A batch's outcome: the Map Run's status under the tolerance rule, and every line's. */
export interface BatchSummary {
  batch: string;
  status: 'SUCCEEDED' | 'FAILED';
  error?: string;
  cause?: string;
  total: number;
  completed: number;
  failed: number;
  items: BatchItem[];
}

/** The Longform output of a completed child execution (Finalize's result). */
interface ChildOutput {
  jobId: string;
  status: string;
  rounds: number;
  documentCharacters: number;
  usage: Usage;
}

/** What a line's summary says of its job. */
type LineOutcome = Omit<BatchItem, 'index' | 'jobId'>;

/** The task input of a child-execution state: StartExecution's parameters. */
interface StartExecutionParameters {
  Name: string;
  Input: unknown;
}

/**
 * Runs a batch offline (docs/architecture.md, Offline runtime): the batch definition synthesized from
 * the `BatchWorkflow` construct, its Distributed Map replaced by the local stand-in, executed by
 * `aws-local-stepfunctions`; each line's child execution starts in `runtime` under its job id, and its
 * task returns what `startExecution.sync:2` returns. The tolerance rule is applied when every item has
 * ended (on AWS a Map Run fails as soon as it is exceeded, stopping the items in flight).
 */
export async function runBatch(
  runtime: OfflineRuntime,
  items: readonly unknown[],
  options: BatchOptions,
): Promise<BatchSummary> {
  const local = toLocalBatchDefinition(
    buildBatchDefinition({
      maxConcurrency: options.maxConcurrency,
      toleratedFailurePercentage: options.toleratedFailurePercentage,
    }),
  );
  const progress: BatchProgress = { total: items.length, completed: 0, running: 0, failed: 0, tokens: 0 };
  // The data directory rewrites one marker file per job recorded; two writes at once would collide.
  let recorded: Promise<unknown> = Promise.resolve();
  const recordBedrock = (jobId: string, newJob: boolean) => {
    const next = recorded.then(() =>
      runtime.dataDirectory?.useBedrock(jobId, runtime.bedrockTarget, { newJob }),
    );
    recorded = next.catch(() => undefined);
    return next;
  };
  const report = () => options.onProgress?.({ ...progress });
  // Counted from the child's own outcome, as the summary is: the stored job may be another line's.
  const runChild = async (parameters: StartExecutionParameters) => {
    progress.running++;
    report();
    const child = startChild(runtime, parameters, recordBedrock);
    const outcome = await lineOutcome(
      runtime,
      await child.then(
        (description) => description.Output as ChildOutput,
        (error: Error): FailedItem => ({
          itemFailed: true,
          jobId: parameters.Name,
          error: error.name,
          cause: error.message,
        }),
      ),
    );
    progress.running--;
    if (outcome.status === 'COMPLETED') progress.completed++;
    else progress.failed++;
    progress.tokens += tokensOf(outcome.usage);
    report();
    return child;
  };
  const machine = new StateMachine(local.definition as never);
  const execution = machine.run({ items } as never, {
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(
        local.childExecutionStates.map((state) => [state, runChild as never]),
      ),
    },
    context: {
      Execution: {
        Name: options.name,
        Id: executionArnOf(LOCAL_BATCH_STATE_MACHINE_ARN, options.name),
        RedriveCount: 0,
      },
    },
  });
  report();
  const results = (await execution.result.catch((error: unknown) => {
    throw error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  })) as unknown as (ChildOutput | FailedItem)[];
  const summaryItems = await Promise.all(
    results.map(async (result, index) => ({
      index,
      jobId: result.jobId,
      ...(await lineOutcome(runtime, result)),
    })),
  );
  const failed = summaryItems.filter((item) => item.status !== 'COMPLETED').length;
  const exceeded = exceedsTolerance(failed, items.length, local.toleratedFailurePercentage);
  return {
    batch: options.name,
    status: exceeded ? 'FAILED' : 'SUCCEEDED',
    ...(exceeded
      ? {
          error: 'States.ExceedToleratedFailureThreshold',
          cause: `${failed} of ${items.length} items failed, more than the tolerated ${local.toleratedFailurePercentage} %`,
        }
      : {}),
    total: items.length,
    completed: items.length - failed,
    failed,
    items: summaryItems,
  };
}

/**
 * Starts the child execution and waits for it, as `startExecution.sync:2` does: its description with
 * `Output` as JSON when it succeeded; when it failed, the task fails with `States.TaskFailed` and the
 * description as the cause.
 */
async function startChild(
  runtime: OfflineRuntime,
  parameters: StartExecutionParameters,
  recordBedrock: (jobId: string, newJob: boolean) => Promise<unknown>,
) {
  const { Name: name, Input: input } = parameters;
  const badLine = unparsableLine(input);
  if (badLine) throw new ManifestLineError(badLine);
  await recordBedrock(name, !(await runtime.store.getJob(name)));
  const startDate = new Date().toISOString();
  const outcome = await runtime.startExecution(name, input).outcome;
  const description = {
    ExecutionArn: executionArnOf(LOCAL_STATE_MACHINE_ARN, name),
    StateMachineArn: LOCAL_STATE_MACHINE_ARN,
    Name: name,
    Status: outcome.status,
    StartDate: startDate,
    StopDate: new Date().toISOString(),
    Input: input,
  };
  if (outcome.status === 'SUCCEEDED') return { ...description, Output: outcome.output };
  const failure = new Error(JSON.stringify({ ...description, Error: outcome.error, Cause: outcome.cause }));
  failure.name = 'States.TaskFailed';
  throw failure;
}

/**
 * A line's outcome, from its child execution's: a completed child's output; a failed child's error, with
 * the job's status and counts only when that failure is the end the job recorded (the child ran the job
 * to it). A child refused because its job id belongs to another input gets nothing of that job.
 */
async function lineOutcome(runtime: OfflineRuntime, result: ChildOutput | FailedItem): Promise<LineOutcome> {
  if (!('itemFailed' in result)) {
    const { status, rounds, documentCharacters, usage } = result;
    return { status, rounds, documentCharacters, usage };
  }
  const failure = childFailure(result);
  const job = await runtime.store.getJob(result.jobId).catch(() => undefined);
  if (!endedWith(job, failure)) return { status: 'FAILED', ...failure };
  return {
    status: job.status,
    rounds: job.nextRound - 1,
    documentCharacters: job.documentCharacters,
    usage: job.usage,
    ...failure,
  };
}

/** Whether the job ended with this failure (a job records one only when it ends other than COMPLETED). */
function endedWith(job: JobRecord | undefined, failure: { error: string; cause?: string }): job is JobRecord {
  return job?.failure?.name === failure.error && job.failure.message === failure.cause;
}

/** The child execution's error for `States.TaskFailed` (its cause is the child's description), else the item's. */
function childFailure(item: FailedItem): { error: string; cause?: string } {
  if (item.error === 'States.TaskFailed' && item.cause) {
    try {
      const child = JSON.parse(item.cause) as { Error?: string; Cause?: string };
      if (child.Error) return { error: child.Error, ...(child.Cause ? { cause: child.Cause } : {}) };
    } catch {
      // Not a description: keep the task's own error.
    }
  }
  return { error: item.error, ...(item.cause ? { cause: item.cause } : {}) };
}

/** All tokens of a usage: input, output and both cache counts. */
function tokensOf(usage: Usage | undefined): number {
  const total = addUsage(usage ?? NO_USAGE, NO_USAGE);
  return total.inputTokens + total.outputTokens + total.cacheReadInputTokens + total.cacheWriteInputTokens;
}
