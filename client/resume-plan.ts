import { createHash } from 'node:crypto';
import { JobNotFoundError, LongformError } from '../functions/core/errors';
import { REDRIVE_PERIOD_MS } from '../functions/core/execution-limits';
import { MAX_JOB_ID_LENGTH } from '../functions/core/job-reference';
import type { JobStatus } from '../functions/core/job-status';

/** `resume` of a job that completed: its document is ready, there is nothing to continue. */
export class JobAlreadyCompletedError extends LongformError {
  override readonly name = 'JobAlreadyCompletedError';
  readonly retriable = false;
}

/** `resume` of a job that is running, or that ended in a way a new execution would only repeat. */
export class JobNotResumableError extends LongformError {
  override readonly name = 'JobNotResumableError';
  readonly retriable = false;
}

/** What `resume` knows of a job and of the execution that ran it last. */
export interface ResumeFacts {
  jobId: string;
  /** The stored job's status; absent when no job is stored (its input was refused). */
  jobStatus?: JobStatus;
  /** The last execution's status; absent when it does not exist (the job was stored but never started). */
  executionStatus?: string;
  executionName: string;
  stopDate?: Date;
  /** DescribeExecution's `redriveStatus`, when the endpoint gives one. */
  redriveStatus?: string;
  /** The execution ended at a Fail state (`Job ended early`, `Job failed`): a redrive would only fail again. */
  failedAtFailState: boolean;
}

/** How to resume: redrive the last execution, or start a new one (named `executionName`) with `{ jobId }`. */
export type ResumePlan = { action: 'redrive' } | { action: 'start'; executionName: string };

/** Job statuses a new execution cannot change: it would end at once the way the job ended. */
const ENDED_FOR_GOOD: readonly JobStatus[] = ['MAX_ROUNDS_REACHED', 'CONTEXT_FULL', 'BLOCKED'];

/**
 * Decides how `resume` continues a job (docs/architecture.md, Retries): RedriveExecution re-runs the
 * step that failed, so it is the way whenever Step Functions allows it and that step is not a Fail
 * state; otherwise a new execution on the stored job, whose `Initialize job` reopens it.
 * @throws JobAlreadyCompletedError, JobNotResumableError, or JobNotFoundError when nothing was stored.
 */
export function planResume(facts: ResumeFacts, now: Date): ResumePlan {
  const { jobId, jobStatus, executionStatus } = facts;
  if (jobStatus === 'COMPLETED') {
    throw new JobAlreadyCompletedError(`Job ${jobId} already COMPLETED; read its document with result`);
  }
  if (executionStatus === 'RUNNING' || executionStatus === 'PENDING_REDRIVE') {
    throw new JobNotResumableError(`Job ${jobId} is running (execution ${facts.executionName}); watch it`);
  }
  if (jobStatus && ENDED_FOR_GOOD.includes(jobStatus)) {
    throw new JobNotResumableError(
      `Job ${jobId} ended ${jobStatus}, which another execution would repeat; start a new job (with a higher maxRounds, or another prompt or model)`,
    );
  }
  const redrivable =
    executionStatus !== undefined &&
    ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(executionStatus) &&
    facts.redriveStatus !== 'NOT_REDRIVABLE' &&
    !facts.failedAtFailState &&
    (facts.stopDate === undefined || now.getTime() - facts.stopDate.getTime() < REDRIVE_PERIOD_MS);
  if (redrivable) return { action: 'redrive' };
  if (!jobStatus) {
    throw new JobNotFoundError(
      `No job is stored under the id ${jobId} (its input was refused); start it again`,
    );
  }
  return {
    action: 'start',
    executionName:
      executionStatus === undefined ? facts.executionName : nextExecutionName(jobId, facts.executionName),
  };
}

/** Marks the n-th new execution of a job: `<job id>-resume-<n>`. */
const RESUME_SUFFIX = /-resume-(\d+)$/;

/**
 * The name of the execution after `previous` (the job id itself for the first): `<job id>-resume-<n>`,
 * deterministic so that two clients resuming at once start one execution. Execution names are at most
 * 80 characters and unique per state machine; a job id too long for the suffix is cut and given 8 hex
 * digits of its SHA-256, so two long ids sharing a prefix never share a name.
 */
export function nextExecutionName(jobId: string, previous: string): string {
  const n = previous === jobId ? 1 : Number(RESUME_SUFFIX.exec(previous)?.[1] ?? 0) + 1;
  const suffix = `-resume-${n}`;
  if (jobId.length + suffix.length <= MAX_JOB_ID_LENGTH) return `${jobId}${suffix}`;
  const hash = createHash('sha256').update(jobId).digest('hex').slice(0, 8);
  return `${jobId.slice(0, MAX_JOB_ID_LENGTH - suffix.length - hash.length - 1)}-${hash}${suffix}`;
}
