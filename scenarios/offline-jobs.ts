import { RETRIABLE_ERROR_NAMES } from '../functions/core/errors';
import type { RunningEmulator } from '../local/bedrock-emulator';
import {
  type ExecutionEvent,
  type ExecutionOutcome,
  OfflineRuntime,
  type OfflineRuntimeOptions,
} from '../local/offline-runtime';

/** Retry waits in the scenarios: the real policy's attempts and order, without its minutes of waiting. */
export const SCENARIO_RETRY_INTERVAL_MS = 1;

/** An execution that ran to its end, with its history. */
export interface FinishedExecution {
  outcome: ExecutionOutcome;
  events: ExecutionEvent[];
}

/** A job run to its end, resumed as often as a transient error outlasted the retry policy. */
export interface ResumedJob {
  /** The last execution's outcome. */
  outcome: ExecutionOutcome;
  executions: number;
  /** Executions that failed with a transient error after the state machine's last retry. */
  retriesExhausted: number;
  /** Retries the state machine made, over all executions. */
  retries: number;
}

/**
 * Starts an offline runtime, runs `body` with it, and stops it, whatever happens. The runtime points
 * process-wide environment variables at its servers, so only one may run in a process at a time.
 */
export async function withOfflineRuntime<T>(
  options: OfflineRuntimeOptions,
  body: (runtime: OfflineRuntime) => Promise<T>,
): Promise<T> {
  const runtime = await OfflineRuntime.start({ retryIntervalMs: SCENARIO_RETRY_INTERVAL_MS, ...options });
  try {
    return await body(runtime);
  } finally {
    await runtime.stop();
  }
}

/** Runs one execution to its end and keeps its history. */
export async function runExecution(
  runtime: OfflineRuntime,
  name: string,
  input: unknown,
): Promise<FinishedExecution> {
  const execution = runtime.startExecution(name, input);
  const events: ExecutionEvent[] = [];
  for await (const event of execution.events) events.push(event);
  return { outcome: await execution.outcome, events };
}

/**
 * Runs a job; when its execution fails with a transient error the retry policy gave up on, resumes it
 * with `{ jobId }` (what an operator's redrive or `longform resume` does), at most `maxResumes` times.
 */
export async function runJobResuming(
  runtime: OfflineRuntime,
  jobId: string,
  input: unknown,
  maxResumes = 10,
): Promise<ResumedJob> {
  let execution = await runExecution(runtime, jobId, input);
  const job: ResumedJob = { outcome: execution.outcome, executions: 1, retriesExhausted: 0, retries: 0 };
  for (;;) {
    job.retries += execution.events.filter((event) => event.type === 'StateRetried').length;
    const { outcome } = execution;
    const transient = outcome.status === 'FAILED' && RETRIABLE_ERROR_NAMES.includes(outcome.error ?? '');
    if (!transient || job.executions > maxResumes) return job;
    job.retriesExhausted++;
    execution = await runExecution(runtime, jobId, { jobId });
    job.executions++;
    job.outcome = execution.outcome;
  }
}

/** Emulator outcomes that are injected faults, with the name the report gives them. */
const INJECTED_FAULTS: Record<string, string> = {
  ThrottlingException: 'throttle 429',
  ServiceUnavailableException: 'unavailable 503',
  InternalServerException: 'internal 500',
  ModelTimeoutException: 'model timeout 408',
  dropConnection: 'dropped connection',
  // A fault the emulator injected inside a stream, after its first events (see its stream handlers).
  throttleInStream: 'throttle 429 inside a stream',
  unavailableInStream: 'unavailable 503 inside a stream',
  internalInStream: 'internal 500 inside a stream',
  modelTimeoutInStream: 'model timeout 408 inside a stream',
  dropConnectionInStream: 'dropped connection inside a stream',
};

/** The faults an emulator injected so far, by report name. */
export function injectedFaults(emulator: RunningEmulator | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [outcome, count] of Object.entries(emulator?.stats().byOutcome ?? {})) {
    const kind = INJECTED_FAULTS[outcome];
    if (kind) counts[kind] = count;
  }
  return counts;
}
