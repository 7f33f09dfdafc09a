import { addUsage, type DeliveredDocument, type JobRecord, NO_USAGE, type Usage } from './job-record';
import type { FinalJobStatus } from './job-status';

/** The `source` of every Longform event on EventBridge. */
export const EVENT_SOURCE = 'longform';

/** The event of a job that completed. */
export const JOB_COMPLETED = 'Longform Job Completed';
/** The event of a job that ended any other way (FAILED, MAX_ROUNDS_REACHED, CONTEXT_FULL, BLOCKED). */
export const JOB_FAILED = 'Longform Job Failed';

/**
 * What an event says about the job that ended (docs/architecture.md, "Delivery and events"): ids,
 * counts and where the document is, never text, the prompt or an error message (it may quote input).
 */
export interface JobEventDetail {
  jobId: string;
  executionName: string;
  status: FinalJobStatus;
  rounds: number;
  documentCharacters: number;
  usage: Required<Usage>;
  document?: DeliveredDocument;
  error?: { name: string };
}

/** One event: its EventBridge detail type and detail. */
export interface JobEvent {
  detailType: typeof JOB_COMPLETED | typeof JOB_FAILED;
  detail: JobEventDetail;
}

/** Where job events go: EventBridge on AWS, the data directory's `events.jsonl` offline. */
export interface EventSink {
  /** Publishes one event, at least once: consumers dedupe on jobId, executionName and status. */
  publish(event: JobEvent): Promise<void>;
}

/**
 * The event announcing how `job` ended, or `undefined` while it has not ended. Its execution is the one
 * that ran the job last, as `Initialize job` stamped it (a job's first execution is named by its id).
 */
export function jobEndedEvent(job: JobRecord): JobEvent | undefined {
  if (job.status === 'RUNNING' || job.status === 'PENDING') return undefined;
  const detail: JobEventDetail = {
    jobId: job.jobId,
    executionName: job.executionName ?? job.jobId,
    status: job.status,
    rounds: job.nextRound - 1,
    documentCharacters: job.documentCharacters,
    usage: addUsage(NO_USAGE, job.usage),
    ...(job.document ? { document: job.document } : {}),
    ...(job.status !== 'COMPLETED' && job.failure ? { error: { name: job.failure.name } } : {}),
  };
  return { detailType: job.status === 'COMPLETED' ? JOB_COMPLETED : JOB_FAILED, detail };
}
