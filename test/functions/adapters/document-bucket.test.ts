import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentBucket, openDeliveredDocument } from '../../../functions/adapters/document-bucket';
import { DOCUMENT_CONTENT_TYPE, MIN_PART_BYTES } from '../../../functions/core/document-object';
import { CorruptDocumentError } from '../../../functions/core/errors';
import { finishJob } from '../../../functions/workflow/finish-job';
import { type LocalServices, runJobToEnd, startLocalServices } from '../../../scenarios/local-services';
import { type MotoServer, startMotoServer } from '../../../scenarios/moto-server';

const BUCKET = 'longform-documents';
let moto: MotoServer;
let s3: S3Client;
let services: LocalServices;

beforeAll(async () => {
  [moto, services] = await Promise.all([startMotoServer(), startLocalServices()]);
  s3 = new S3Client(moto.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  s3?.destroy();
  await Promise.all([moto?.stop(), services?.stop()]);
});

/** A document of `units` repetitions of text with 1- to 4-byte UTF-8 characters, in pieces of whole units. */
function documentOf(units: number): { text: string; pieces: () => AsyncGenerator<string> } {
  const unit = 'Tide pools é € 𝄞 ';
  const perPiece = 4096;
  return {
    text: unit.repeat(units),
    async *pieces() {
      for (let done = 0; done < units; done += perPiece) yield unit.repeat(Math.min(perPiece, units - done));
    },
  };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

async function objectText(key: string): Promise<string> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(
    await (Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  ).toString('utf8');
}

async function openUploads(): Promise<number> {
  return (await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads?.length ?? 0;
}

async function readAll(text: AsyncIterable<string> | undefined): Promise<string | undefined> {
  if (!text) return undefined;
  let all = '';
  for await (const piece of text) all += piece;
  return all;
}

describe('DocumentBucket', () => {
  it('uploads a document longer than a part in parts, byte for byte, with its SHA-256 and media type', async () => {
    const bucket = new DocumentBucket(s3, BUCKET, MIN_PART_BYTES);
    const document = documentOf(260_000); // 6.2 MB in UTF-8: two parts
    const bytes = Buffer.byteLength(document.text, 'utf8');
    expect(bytes).toBeGreaterThan(MIN_PART_BYTES);
    const delivered = await bucket.deliver('big-1', document.pieces());
    expect(delivered).toEqual({
      location: `s3://${BUCKET}/documents/big-1.md`,
      sha256: sha256(document.text),
      bytes,
    });
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'documents/big-1.md' }));
    expect(head.ContentType).toBe(DOCUMENT_CONTENT_TYPE);
    expect(head.ETag).toMatch(/-2"$/); // a multipart object of two parts
    expect(await objectText('documents/big-1.md')).toBe(document.text);
    expect(await openUploads()).toBe(0);
  });

  it('puts a document of one part as one object', async () => {
    const document = documentOf(100);
    const delivered = await new DocumentBucket(s3, BUCKET).deliver('small-1', document.pieces());
    expect(delivered.sha256).toBe(sha256(document.text));
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'documents/small-1.md' }));
    expect(head.ETag).not.toContain('-');
    expect(head.ContentType).toBe(DOCUMENT_CONTENT_TYPE);
    expect(await objectText('documents/small-1.md')).toBe(document.text);
  });

  it('aborts the upload when reading the document fails midway, leaving no object and no parts', async () => {
    // Past the second part (11.5 MB): the upload has begun and its first part is stored.
    const document = documentOf(600_000);
    async function* failing() {
      let read = 0;
      for await (const piece of document.pieces()) {
        yield piece;
        read += piece.length;
        if (read > 9_000_000) throw new Error('table read failed');
      }
    }
    await expect(
      new DocumentBucket(s3, BUCKET, MIN_PART_BYTES).deliver('broken-1', failing()),
    ).rejects.toThrow('table read failed');
    expect(await openUploads()).toBe(0);
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'documents/broken-1.md' })),
    ).rejects.toThrow();
  });

  it('refuses parts smaller than S3 allows', () => {
    expect(() => new DocumentBucket(s3, BUCKET, MIN_PART_BYTES - 1)).toThrow(RangeError);
  });
});

describe('finishJob with the documents bucket', () => {
  it('delivers the stored document once and stamps it on the job; a repeat neither uploads nor restamps', async () => {
    await runJobToEnd(services, 'bucket-job-1', {
      prompt: 'Bucket job [emulator:tokens=400]',
      maxTokensPerRound: 100,
    });
    const documents = new DocumentBucket(s3, BUCKET);
    const first = await finishJob(services.store, 'bucket-job-1', { documents });
    const text = await services.store.loadDocument('bucket-job-1');
    const stamp = {
      location: `s3://${BUCKET}/documents/bucket-job-1.md`,
      sha256: sha256(text),
      bytes: Buffer.byteLength(text),
    };
    expect(first.delivered).toEqual(stamp);
    expect(first.finished.document).toEqual(stamp);
    expect((await services.store.getJob('bucket-job-1'))?.document).toEqual(stamp);
    expect(await objectText('documents/bucket-job-1.md')).toBe(text);

    // A retried Finalize finds the stamp: the object, deleted meanwhile, is not written again.
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'documents/bucket-job-1.md' }));
    const again = await finishJob(services.store, 'bucket-job-1', { documents });
    expect(again.delivered).toBeUndefined();
    expect(again.finished.document).toEqual(stamp);
    expect(await openDeliveredDocument(stamp, s3)).toBeUndefined();
    // Without the stamp, delivering again makes the same object.
    expect(await documents.deliver('bucket-job-1', services.store.streamDocument('bucket-job-1'))).toEqual(
      stamp,
    );
  });
});

describe('openDeliveredDocument', () => {
  it('streams a delivered object, or file, as its text; undefined when it is gone', async () => {
    const document = documentOf(50_000);
    const stamp = await new DocumentBucket(s3, BUCKET).deliver('read-1', document.pieces());
    expect(await readAll(await openDeliveredDocument(stamp, s3))).toBe(document.text);
    const path = join(mkdtempSync(join(tmpdir(), 'longform-delivered-')), 'read-1.md');
    writeFileSync(path, document.text);
    const file = { ...stamp, location: path };
    expect(await readAll(await openDeliveredDocument(file))).toBe(document.text);
    expect(await openDeliveredDocument({ ...file, location: `${path}.missing` })).toBeUndefined();
    const gone = { ...stamp, location: `s3://${BUCKET}/documents/never.md` };
    expect(await openDeliveredDocument(gone, s3)).toBeUndefined();
  });

  it('refuses a copy changed after delivery, at its end, with CorruptDocumentError', async () => {
    const document = documentOf(20_000);
    const path = join(mkdtempSync(join(tmpdir(), 'longform-delivered-')), 'read-2.md');
    writeFileSync(path, document.text);
    const stamp = {
      ...(await new DocumentBucket(s3, BUCKET).deliver('read-2', document.pieces())),
      location: path,
    };
    // Same length, its first letter (T) changed: only the checksum tells.
    writeFileSync(path, `x${document.text.slice(1)}`);
    await expect(readAll(await openDeliveredDocument(stamp))).rejects.toThrow(CorruptDocumentError);
    writeFileSync(path, document.text.slice(1));
    await expect(readAll(await openDeliveredDocument(stamp))).rejects.toThrow(/bytes with SHA-256/);
  });
});
