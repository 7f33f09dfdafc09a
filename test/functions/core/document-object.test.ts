import { describe, expect, it } from 'vitest';
import {
  cutIntoParts,
  documentKey,
  needsDelivery,
  parseS3Location,
  s3Location,
} from '../../../functions/core/document-object';
import type { JobRecord } from '../../../functions/core/job-record';
import type { JobStatus } from '../../../functions/core/job-status';
import { runningJobRecord } from './job-record.fixture';

async function* chunksOf(...lengths: number[]): AsyncGenerator<Uint8Array> {
  let next = 0;
  for (const length of lengths) yield Uint8Array.from({ length }, () => next++ % 251);
}

async function partsOf(chunks: AsyncIterable<Uint8Array>, partBytes: number): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  for await (const part of cutIntoParts(chunks, partBytes)) parts.push(Uint8Array.from(part));
  return parts;
}

describe('documentKey and locations', () => {
  it('puts a job document under documents/ named by its job id, and reads an s3:// location back', () => {
    expect(documentKey('job-1')).toBe('documents/job-1.md');
    const location = s3Location('my-bucket', documentKey('job-1'));
    expect(location).toBe('s3://my-bucket/documents/job-1.md');
    expect(parseS3Location(location)).toEqual({ bucket: 'my-bucket', key: 'documents/job-1.md' });
  });

  it('takes a file path for no S3 location', () => {
    expect(parseS3Location('/data/documents/job-1.md')).toBeUndefined();
    expect(parseS3Location('s3://bucket-only')).toBeUndefined();
  });
});

describe('needsDelivery', () => {
  const job = (
    status: JobStatus,
    documentCharacters: number,
    document?: JobRecord['document'],
  ): JobRecord => ({
    ...runningJobRecord('job-1'),
    status,
    documentCharacters,
    ...(document ? { document } : {}),
  });

  it.each<JobStatus>(['COMPLETED', 'MAX_ROUNDS_REACHED', 'CONTEXT_FULL', 'BLOCKED', 'FAILED'])(
    'delivers a %s job with text',
    (status) => {
      expect(needsDelivery(job(status, 10), true)).toBe(true);
    },
  );

  it('delivers neither a job still running, nor one without text, nor one delivered at this end, but redelivers after a later end', () => {
    const document = { location: '/d/job-1.md', sha256: 'ab', bytes: 10 };
    expect(needsDelivery(job('RUNNING', 10), true)).toBe(false);
    expect(needsDelivery(job('PENDING', 10), true)).toBe(false);
    expect(needsDelivery(job('FAILED', 0), true)).toBe(false);
    expect(needsDelivery(job('COMPLETED', 10, document), false)).toBe(false);
    // The end was stamped just now, so the stamp is of an earlier end: the job went on since.
    expect(needsDelivery(job('COMPLETED', 10, document), true)).toBe(true);
  });
});

describe('cutIntoParts', () => {
  it('cuts chunks of any size into parts of exactly the part size and a shorter last part, bytes in order', async () => {
    const parts = await partsOf(chunksOf(3, 10, 1, 0, 7), 4);
    expect(parts.map((part) => part.length)).toEqual([4, 4, 4, 4, 4, 1]);
    const all = Uint8Array.from(parts.flatMap((part) => [...part]));
    expect([...all]).toEqual(Array.from({ length: 21 }, (_, index) => index % 251));
  });

  it('ends on a full part without an empty one after it', async () => {
    expect((await partsOf(chunksOf(5, 3), 4)).map((part) => part.length)).toEqual([4, 4]);
  });

  it('yields one empty part for an empty stream', async () => {
    expect((await partsOf(chunksOf(), 4)).map((part) => part.length)).toEqual([0]);
  });
});
