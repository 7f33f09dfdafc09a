/**
 * Lifecycle of a job as stored on its META item. `PENDING` is a job stored by a client before its
 * execution starts (prompts too large for the execution input); `RUNNING` from `Initialize job` on.
 */
export type JobStatus =
  | 'PENDING'
  | 'RUNNING'
  | 'COMPLETED'
  | 'CONTEXT_FULL'
  | 'BLOCKED'
  | 'MAX_ROUNDS_REACHED'
  | 'FAILED';

/** A status a job can end in. */
export type FinalJobStatus = Exclude<JobStatus, 'RUNNING' | 'PENDING'>;
