import { rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { JobStore } from '../functions/adapters/job-store';

/**
 * Writes a job's document, exactly its UTF-8 bytes: to `out` through a temporary file and a rename, so
 * the file never holds half a document; or streamed to stdout.
 */
export async function writeDocument(store: JobStore, jobId: string, out: string | undefined): Promise<void> {
  if (out === undefined) {
    for await (const piece of store.streamDocument(jobId)) await writeStdout(piece);
    return;
  }
  const temporary = join(dirname(out), `.${process.pid}.longform.tmp`);
  const pieces: Buffer[] = [];
  for await (const piece of store.streamDocument(jobId)) pieces.push(Buffer.from(piece, 'utf8'));
  await writeFile(temporary, Buffer.concat(pieces));
  await rename(temporary, out);
}

/** Writes to stdout and waits until it was handed on, so large documents are not cut at exit. */
export function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  );
}
