import type { JobStore } from '../adapters/job-store';
import { type DocumentSink, needsDelivery } from '../core/document-object';
import { JobNotFoundError } from '../core/errors';
import { type EventSink, jobEndedEvent } from '../core/job-events';
import { addUsage, type DeliveredDocument, NO_USAGE, type Usage } from '../core/job-record';
import type { JobStatus } from '../core/job-status';

/** What `Finalize job` hands on; `error`/`cause` feed the Fail state when the job did not complete. */
export interface FinishedJob {
  jobId: string;
  status: JobStatus;
  rounds: number;
  documentCharacters: number;
  /** The job's tokens, all four counts (a batch's result file carries them per line). */
  usage: Required<Usage>;
  /** Where the document was delivered, when it was (a documents bucket or data directory, and text). */
  document?: DeliveredDocument;
  error?: string;
  cause?: string;
}

/** Where `Finalize job` delivers documents and announces ends; either may be absent (not configured). */
export interface FinishOutlets {
  documents?: DocumentSink;
  events?: EventSink;
}

/** What one `Finalize job` invocation did, for its metrics. */
export interface FinishReport {
  finished: FinishedJob;
  /** This invocation stamped the end of the job (a retry of it did not). */
  endedNow: boolean;
  /**
   * This invocation was the first to complete the end's delivery and announcement (`announcedEnd`): the
   * one to count the end, once, also when the invocation that stamped it failed after.
   */
  announcedNow: boolean;
  /** The document this invocation delivered, if it had to. */
  delivered?: DeliveredDocument;
}

/**
 * Stamps the end of a job, delivers its document (streamed from the stored rounds) unless an earlier
 * attempt did, stamps where it went, then announces the end and records that it did. Safe to repeat: a
 * stamped document is not written again, and an unstamped one is written again to the same place with
 * the same bytes.
 */
export async function finishJob(
  store: JobStore,
  jobId: string,
  outlets: FinishOutlets = {},
): Promise<FinishReport> {
  let job = await store.markFinished(jobId);
  if (!job) throw new JobNotFoundError(`Job ${jobId} does not exist`);
  const endedNow = job.finishedAt === job.updatedAt;
  let delivered: DeliveredDocument | undefined;
  if (outlets.documents && needsDelivery(job, endedNow)) {
    const stale = job.document !== undefined;
    delivered = await outlets.documents.deliver(jobId, store.streamDocument(jobId, job.nextRound - 1));
    job = (await store.recordDocument(jobId, delivered, stale)) ?? job;
  }
  const event = jobEndedEvent(job);
  if (outlets.events && event) await outlets.events.publish(event);
  const announcedNow =
    job.finishedAt !== undefined && (await store.recordAnnounced(jobId, job.finishedAt)) !== undefined;
  const summary: FinishedJob = {
    jobId,
    status: job.status,
    rounds: job.nextRound - 1,
    documentCharacters: job.documentCharacters,
    usage: addUsage(NO_USAGE, job.usage),
    ...(job.document ? { document: job.document } : {}),
  };
  const finished: FinishedJob =
    job.status === 'COMPLETED'
      ? summary
      : {
          ...summary,
          error: job.failure?.name ?? 'JobNotCompletedError',
          cause: job.failure?.message ?? `Job ended with status ${job.status}`,
        };
  return { finished, endedNow, announcedNow, ...(delivered ? { delivered } : {}) };
}
