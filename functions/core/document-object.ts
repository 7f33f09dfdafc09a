import type { DeliveredDocument, JobRecord } from './job-record';

/** The delivered document's media type: the model writes Markdown, and the bytes are UTF-8. */
export const DOCUMENT_CONTENT_TYPE = 'text/markdown; charset=utf-8';

/** S3's smallest part of a multipart upload (every part but the last). */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

/**
 * Where a job's document goes, relative to the bucket or the data directory: the job id names it, so a
 * retried or redriven `Finalize job` writes the same object again rather than another one.
 */
export function documentKey(jobId: string): string {
  return `documents/${jobId}.md`;
}

/** The location stamped on a job for an object in S3. */
export function s3Location(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** The bucket and key of an `s3://BUCKET/KEY` location; `undefined` for any other location (a file path). */
export function parseS3Location(location: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  return match ? { bucket: match[1] as string, key: match[2] as string } : undefined;
}

/**
 * Whether `Finalize job` has to deliver the job's document: it ended with text, and has no stamp yet, or
 * only one of an earlier end (`endedNow`: this invocation stamped the end, so no attempt at this end
 * delivered; a job re-opened by a path that kept the stamp has more text now).
 */
export function needsDelivery(job: JobRecord, endedNow: boolean): boolean {
  const ended = job.status !== 'RUNNING' && job.status !== 'PENDING';
  return ended && job.documentCharacters > 0 && (!job.document || endedNow);
}

/** Where finished documents are delivered: the documents bucket on AWS, the data directory offline. */
export interface DocumentSink {
  /**
   * Writes the document `text` streams (in order, never held whole) as the job's document, replacing
   * any earlier copy, and says where it went with the checksum and length of its UTF-8 bytes.
   */
  deliver(jobId: string, text: AsyncIterable<string>): Promise<DeliveredDocument>;
}

/**
 * Cuts a stream of byte chunks into parts of exactly `partBytes` bytes, the last one shorter (never
 * empty, unless the stream is: then one empty part), copying each byte once.
 */
export async function* cutIntoParts(
  chunks: AsyncIterable<Uint8Array>,
  partBytes: number,
): AsyncGenerator<Uint8Array> {
  let part = new Uint8Array(partBytes);
  let filled = 0;
  let yielded = false;
  for await (const chunk of chunks) {
    let offset = 0;
    while (offset < chunk.length) {
      const taken = Math.min(partBytes - filled, chunk.length - offset);
      part.set(chunk.subarray(offset, offset + taken), filled);
      filled += taken;
      offset += taken;
      if (filled === partBytes) {
        yield part;
        yielded = true;
        part = new Uint8Array(partBytes);
        filled = 0;
      }
    }
  }
  if (filled > 0 || !yielded) yield part.subarray(0, filled);
}
