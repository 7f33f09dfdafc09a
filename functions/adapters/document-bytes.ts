import { createHash } from 'node:crypto';
import type { DeliveredDocument } from '../core/job-record';

/**
 * The UTF-8 bytes of a streamed document, piece by piece, with their SHA-256 and length counted on the
 * way (so a sink never holds the whole document). The pieces never split a surrogate pair (the document
 * assembler's guarantee), so encoding them one by one gives the document's exact bytes.
 */
export class DocumentBytes implements AsyncIterable<Uint8Array> {
  private readonly hash = createHash('sha256');
  private length = 0;
  private done = false;

  constructor(private readonly text: AsyncIterable<string>) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for await (const piece of this.text) {
      const bytes = Buffer.from(piece, 'utf8');
      this.hash.update(bytes);
      this.length += bytes.length;
      yield bytes;
    }
    this.done = true;
  }

  /** The stamp for the document at `location`, once every byte was read. */
  delivered(location: string): DeliveredDocument {
    if (!this.done) throw new Error('The document was not read to its end');
    return { location, sha256: this.hash.digest('hex'), bytes: this.length };
  }
}
