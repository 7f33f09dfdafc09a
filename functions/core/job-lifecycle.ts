import type { ContinuationStrategy } from './job-config';
import { addUsage, type DeliveredDocument, type JobFailure, type JobRecord } from './job-record';
import type { JobStatus } from './job-status';
import type { RoundRecord } from './round-record';
import type { StopReason } from './stop-reason';

/** Fields a transition may write: everything but the job's identity and input. */
type WritableField = Exclude<keyof JobRecord, 'jobId' | 'config' | 'createdAt'>;

/**
 * One lifecycle rule: a change to a job, applied only while `when` holds. The job table applies it as
 * one conditional write, so a retried or stale attempt whose guard no longer holds changes nothing.
 */
export interface JobTransition {
  set: Partial<Pick<JobRecord, WritableField>>;
  /** Written only when the job has none yet (the first time a job ended is when it finished). */
  setIfAbsent?: Partial<Pick<JobRecord, 'finishedAt' | 'document'>>;
  remove?: readonly ('failure' | 'finishedAt' | 'lastError' | 'document')[];
  when: {
    /** The job is in one of these statuses. */
    status?: readonly JobStatus[];
    /** The job is at this round: `nextRound` equals it. */
    atRound?: number;
    /** The job's strategy is this one. */
    strategy?: ContinuationStrategy;
    /**
     * The job runs under this execution (META's `executionName`, or the job id when it has none), at a
     * redrive count (META's `executionRedriveCount`, absent is 0) of at most `redrivesAtMost`, or below
     * `redrivesBelow` (from 1).
     */
    execution?: { name: string; redrivesAtMost?: number; redrivesBelow?: number };
    /** The job's end is the one stamped at this `finishedAt`, and it was not announced yet. */
    unannouncedEnd?: string;
  };
}

/**
 * One run of an execution: its name and how many times it had been redriven (`$$.Execution.RedriveCount`
 * in the state machine, `redriveCount` in its status-change event; 0 before any redrive).
 */
export interface ExecutionRun {
  executionName: string;
  redriveCount: number;
}

/** The run an execution's end is about; its redrive count is unknown when the end did not say. */
export type EndedRun = Omit<ExecutionRun, 'redriveCount'> & { redriveCount?: number };

/** The execution a job runs under: the one META names, or its first, named by the job id. */
export function executionOf(job: JobRecord): string {
  return job.executionName ?? job.jobId;
}

/**
 * Whether `run` is a later run (a redrive) of the execution the job runs under than the one META
 * records, so that it must claim the job before it writes to it (see {@link claimRunTransition}).
 */
export function isLaterRun(job: JobRecord, run: ExecutionRun): boolean {
  return executionOf(job) === run.executionName && (job.executionRedriveCount ?? 0) < run.redriveCount;
}

/** A client-stored job starts: PENDING to RUNNING; a job already running is left as it is. */
export function startTransition(at: string): JobTransition {
  return { set: { status: 'RUNNING', updatedAt: at }, when: { status: ['PENDING'] } };
}

/**
 * A job runs under another execution (a resume): its name is stamped, whatever the job's status, with
 * the redrive count of a new execution, 0 (a redrive of it claims the job, see {@link claimRunTransition}).
 */
export function stampExecutionTransition(executionName: string, at: string): JobTransition {
  return { set: { executionName, executionRedriveCount: 0, updatedAt: at }, when: {} };
}

/**
 * A redrive of the job's execution claims the job: from then on the end of an earlier run of it (its
 * status-change event can arrive hours late) leaves the job alone (see {@link failTransition}). Only a
 * later run than the one recorded claims it, whatever the job's status, so a job that the earlier run's
 * end failed first is reopened by the redrive as before.
 */
export function claimRunTransition(run: ExecutionRun, at: string): JobTransition {
  return {
    set: { executionRedriveCount: run.redriveCount, updatedAt: at },
    when: { execution: { name: run.executionName, redrivesBelow: run.redriveCount } },
  };
}

/**
 * A committed round moves the job past it. This is where a round's decision becomes the job's status:
 * RUNNING to continue, the decision's final status (and failure) to finish.
 */
export function advanceTransition(job: JobRecord, record: RoundRecord, at: string): JobTransition {
  const { decision } = record;
  return {
    set: {
      nextRound: record.round + 1,
      documentCharacters: record.documentCharacters,
      noProgressRounds: decision.noProgressRounds,
      usage: addUsage(job.usage, record.usage),
      stopReason: record.stopReason,
      status: decision.next === 'finish' ? decision.status : 'RUNNING',
      ...(decision.next === 'finish' && decision.failure ? { failure: decision.failure } : {}),
      updatedAt: at,
    },
    remove: ['lastError'],
    when: { status: ['RUNNING'], atRound: record.round },
  };
}

/** A job ends at `round` without storing it (the model could not be asked: the context window is full). */
export function endAtRoundTransition(
  round: number,
  end: { status: JobStatus; stopReason: StopReason; failure: JobFailure },
  at: string,
): JobTransition {
  return { set: { ...end, updatedAt: at }, when: { status: ['RUNNING'], atRound: round } };
}

/** A retriable error of round `round`, noted so `status` can say why a job makes no progress. */
export function noteErrorTransition(round: number, failure: JobFailure, at: string): JobTransition {
  return {
    set: { lastError: { ...failure, round, at }, updatedAt: at },
    when: { status: ['RUNNING'], atRound: round },
  };
}

/** An `auto` job whose model rejected prefill at `round` uses instruction from then on; recorded once. */
export function switchToInstructionTransition(round: number, at: string): JobTransition {
  return {
    set: { strategy: 'instruction', strategySwitchedAtRound: round, updatedAt: at },
    when: { atRound: round, strategy: 'prefill' },
  };
}

/** The end of a job is stamped once; repeating it changes nothing but `updatedAt`. */
export function finishTransition(at: string): JobTransition {
  return { set: { updatedAt: at }, setIfAbsent: { finishedAt: at }, when: {} };
}

/**
 * A job that ended records where its document was delivered, once per end: a retried or redriven
 * `Finalize job` keeps the first stamp (the same bytes at the same place), and only the stamp of an
 * earlier end is replaced (`replace`). A job re-opened meanwhile is not stamped.
 */
export function deliveredTransition(document: DeliveredDocument, at: string, replace = false): JobTransition {
  return {
    set: replace ? { document, updatedAt: at } : { updatedAt: at },
    ...(replace ? {} : { setIfAbsent: { document } }),
    when: { status: ['COMPLETED', 'CONTEXT_FULL', 'BLOCKED', 'MAX_ROUNDS_REACHED', 'FAILED'] },
  };
}

/**
 * The end stamped at `finishedAt` was delivered and announced: recorded once, so that the invocation
 * that records it counts the end, also when the one that stamped the end failed to deliver or announce.
 */
export function announcedTransition(finishedAt: string, at: string): JobTransition {
  return { set: { announcedEnd: finishedAt, updatedAt: at }, when: { unannouncedEnd: finishedAt } };
}

/**
 * A running or pending job fails with the error; a job that already ended keeps its status. With
 * `atRound`, only while the job is still at that round: an attempt that lost a race with a newer one
 * must not fail a job that moved on. With `run`, only while the job runs under that execution and no
 * later run of it claimed the job (an unknown `redriveCount` checks the name only): the end of an
 * earlier run, or of another execution, must not fail the job a later one runs.
 */
export function failTransition(
  failure: JobFailure,
  at: string,
  atRound?: number,
  run?: EndedRun,
): JobTransition {
  return {
    set: { status: 'FAILED', failure, finishedAt: at, updatedAt: at },
    when: {
      status: ['RUNNING', 'PENDING'],
      ...(atRound === undefined ? {} : { atRound }),
      ...(run ? { execution: { name: run.executionName, redrivesAtMost: run.redriveCount } } : {}),
    },
  };
}

/**
 * A FAILED job re-opens so its execution can be redriven or resumed: the stored rounds stay and the job
 * continues at its next round; the document it delivered is no longer its document, so its stamp goes.
 */
export function reopenTransition(at: string): JobTransition {
  return {
    set: { status: 'RUNNING', updatedAt: at },
    remove: ['failure', 'finishedAt', 'document'],
    when: { status: ['FAILED'] },
  };
}

/**
 * What an attempt at round `round` does with the job it read: `reopen` a failed job at that round (only
 * a redrive or a resume runs it again, so the cause is meant to be gone) and run it; `run` it; `report`
 * the stored result (the job is past that round, or ended); or refuse `stale` input for a later round.
 */
export function planRound(job: JobRecord, round: number): 'reopen' | 'run' | 'report' | 'stale' {
  if (job.status === 'FAILED' && job.nextRound === round) return 'reopen';
  if (job.nextRound > round || job.status !== 'RUNNING') return 'report';
  if (job.nextRound < round) return 'stale';
  return 'run';
}

/** Whether the state machine asks for another round: the one place that decides it, from the status. */
export function nextStep(job: JobRecord): 'continue' | 'finish' {
  return job.status === 'RUNNING' ? 'continue' : 'finish';
}
