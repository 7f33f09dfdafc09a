/** Lifecycle of a job as stored on its META item. */
export type JobStatus = 'RUNNING' | 'COMPLETED' | 'CONTEXT_FULL' | 'BLOCKED' | 'MAX_ROUNDS_REACHED' | 'FAILED';

/** A status a job can end in. */
export type FinalJobStatus = Exclude<JobStatus, 'RUNNING'>;
