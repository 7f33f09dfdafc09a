import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import {
  cutIntoParts,
  DOCUMENT_CONTENT_TYPE,
  type DocumentSink,
  documentKey,
  MIN_PART_BYTES,
  parseS3Location,
  s3Location,
} from '../core/document-object';
import { classifyStoreError } from '../core/error-classification';
import { CorruptDocumentError, DocumentBucketUnavailableError, StoreUnavailableError } from '../core/errors';
import type { DeliveredDocument } from '../core/job-record';
import { DocumentBytes } from './document-bytes';

/** Part size of a multipart upload: 1,000 parts make 8 GiB, far beyond any document. */
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

/**
 * The stack's documents bucket (docs/architecture.md, "Delivery and events"): each finished document is
 * one object, `documents/<jobId>.md`, streamed from the stored rounds. A document of one part is one
 * PutObject; a longer one a multipart upload, one part uploading while the next is read, aborted if
 * anything fails. S3 checks every request's SHA-256 (`ChecksumAlgorithm`); the stamp's SHA-256 is of the
 * whole document, counted while streaming.
 */
export class DocumentBucket implements DocumentSink {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly partBytes = DEFAULT_PART_BYTES,
  ) {
    if (partBytes < MIN_PART_BYTES) throw new RangeError(`Parts must be at least ${MIN_PART_BYTES} bytes`);
  }

  async deliver(jobId: string, text: AsyncIterable<string>): Promise<DeliveredDocument> {
    const key = documentKey(jobId);
    const bytes = new DocumentBytes(text);
    const parts = cutIntoParts(bytes, this.partBytes);
    const first = (await parts.next()).value ?? new Uint8Array();
    const second = (await parts.next()).value;
    if (second) {
      const queued = [first, second];
      await this.uploadInParts(key, async () => queued.shift() ?? (await parts.next()).value ?? undefined);
    } else {
      await this.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: first,
          ContentType: DOCUMENT_CONTENT_TYPE,
          ChecksumAlgorithm: 'SHA256',
        }),
      );
    }
    return bytes.delivered(s3Location(this.bucket, key));
  }

  private async uploadInParts(key: string, nextPart: () => Promise<Uint8Array | undefined>): Promise<void> {
    const target = { Bucket: this.bucket, Key: key };
    const { UploadId } = await this.send(
      new CreateMultipartUploadCommand({
        ...target,
        ContentType: DOCUMENT_CONTENT_TYPE,
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    // In part order: a part starts uploading once the one before it is stored.
    const completed: CompletedPart[] = [];
    let uploading: Promise<void> = Promise.resolve();
    try {
      let number = 0;
      for (let body = await nextPart(); body; body = await nextPart()) {
        await uploading;
        number += 1;
        uploading = this.uploadPart({ ...target, UploadId, PartNumber: number, Body: body }, completed);
        // Awaited at the next part or below; meanwhile a failure must not count as unhandled.
        uploading.catch(() => undefined);
      }
      await uploading;
      await this.send(
        new CompleteMultipartUploadCommand({ ...target, UploadId, MultipartUpload: { Parts: completed } }),
      );
    } catch (error) {
      // A part still uploading would outlive the abort, so it ends first; if the abort fails too, the
      // bucket's lifecycle rule removes the upload's parts.
      await uploading.catch(() => undefined);
      await this.send(new AbortMultipartUploadCommand({ ...target, UploadId })).catch(() => undefined);
      throw error;
    }
  }

  private async uploadPart(
    part: { Bucket: string; Key: string; UploadId: string | undefined; PartNumber: number; Body: Uint8Array },
    completed: CompletedPart[],
  ): Promise<void> {
    const { ETag, ChecksumSHA256 } = await this.send(
      new UploadPartCommand({ ...part, ChecksumAlgorithm: 'SHA256' }),
    );
    completed.push({ PartNumber: part.PartNumber, ETag, ChecksumSHA256 });
  }

  // biome-ignore lint/suspicious/noExplicitAny: the S3 commands share no useful common type
  private async send(command: any): Promise<any> {
    try {
      return await this.s3.send(command);
    } catch (error) {
      throw classifyBucketError(this.bucket, error);
    }
  }
}

/**
 * Throttling (S3's 503 SlowDown), server faults and network failures are retried by the state machine
 * as DocumentBucketUnavailableError; anything else (access denied, no such bucket) fails the step as the
 * SDK named it. The same test as for the table's errors.
 */
function classifyBucketError(bucket: string, error: unknown): Error {
  const classified = classifyStoreError(error);
  if (!(classified instanceof StoreUnavailableError)) return classified;
  return new DocumentBucketUnavailableError(`Documents bucket ${bucket}: ${classified.message}`, {
    cause: error,
  });
}

/**
 * Opens a delivered document for reading (`result` of the CLI and of LongformClient): the object of an
 * `s3://BUCKET/KEY` location, through `s3` (or a client with the default chain, closed after reading),
 * or the file of an absolute path. Its text streams in pieces, decoded as UTF-8 across chunk ends, and
 * its bytes are checked against the stamp as they pass: a copy of another length or checksum throws
 * {@link CorruptDocumentError} at its end (so an atomic `--out` is never completed with it).
 * `undefined` when the object or file is gone (the bucket's lifecycle expired it): read the table then.
 */
export async function openDeliveredDocument(
  stamp: DeliveredDocument,
  s3?: S3Client,
): Promise<AsyncGenerator<string> | undefined> {
  const opened = await openLocation(stamp.location, s3);
  return opened && checked(opened, stamp);
}

async function* checked(bytes: AsyncIterable<Uint8Array>, stamp: DeliveredDocument): AsyncGenerator<string> {
  const hash = createHash('sha256');
  let length = 0;
  async function* counted() {
    for await (const chunk of bytes) {
      hash.update(chunk);
      length += chunk.length;
      yield chunk;
    }
  }
  yield* decodeUtf8(counted());
  const sha256 = hash.digest('hex');
  if (length !== stamp.bytes || sha256 !== stamp.sha256) {
    throw new CorruptDocumentError(
      `The document at ${stamp.location} is ${length} bytes with SHA-256 ${sha256}, not the ${stamp.bytes} bytes with SHA-256 ${stamp.sha256} its job recorded; it was changed after delivery`,
    );
  }
}

async function openLocation(location: string, s3?: S3Client): Promise<AsyncIterable<Uint8Array> | undefined> {
  const object = parseS3Location(location);
  if (!object) {
    const file = await open(location).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    return file?.createReadStream();
  }
  const client = s3 ?? new S3Client({});
  const close = () => {
    if (!s3) client.destroy();
  };
  try {
    const { Body } = await client.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }));
    return closing(Body as AsyncIterable<Uint8Array>, close);
  } catch (error) {
    close();
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
}

async function* closing(chunks: AsyncIterable<Uint8Array>, close: () => void): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks;
  } finally {
    close();
  }
}

async function* decodeUtf8(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}
