import type { S3Client } from '@aws-sdk/client-s3';
import { openDeliveredDocument } from '../functions/adapters/document-bucket';
import type { JobState, JobStore } from '../functions/adapters/job-store';

/**
 * A job's document, streamed: the copy `Finalize job` delivered (its bucket object, or its file in a data
 * directory), checked against the job's stamp as it streams, while that copy exists; otherwise the stored
 * rounds (before the job ended, after the copy expired, or without a documents bucket).
 */
export async function* jobDocument(store: JobStore, job: JobState, s3?: S3Client): AsyncGenerator<string> {
  const delivered = job.document && (await openDeliveredDocument(job.document, s3));
  yield* delivered ?? store.streamDocument(job.jobId);
}
