import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DocumentBytes } from '../functions/adapters/document-bytes';
import { type DocumentSink, documentKey } from '../functions/core/document-object';
import type { DeliveredDocument } from '../functions/core/job-record';

/**
 * Offline delivery (docs/architecture.md, "Delivery and events"): each finished document becomes the
 * file `documents/<jobId>.md` of the data directory, the bucket's key layout, written to a temporary
 * file and renamed into place, so the file is either the whole document or absent.
 */
export class DocumentDirectory implements DocumentSink {
  constructor(private readonly dataDirectory: string) {}

  async deliver(jobId: string, text: AsyncIterable<string>): Promise<DeliveredDocument> {
    const path = resolve(join(this.dataDirectory, documentKey(jobId)));
    const temporary = `${path}.${process.pid}.tmp`;
    await mkdir(dirname(path), { recursive: true });
    const bytes = new DocumentBytes(text);
    try {
      await pipeline(bytes, createWriteStream(temporary));
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return bytes.delivered(path);
  }
}
