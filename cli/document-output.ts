import { accessSync, constants, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliUsageError } from './cli-usage-error';

/** `--out` could not be written: the message names the user's path and the cause. */
export class OutputWriteError extends Error {
  override readonly name = 'OutputWriteError';
}

/**
 * Checks `--out` before any round is paid for: it must not be a directory, and its directory must exist
 * and be writable.
 * @throws CliUsageError saying what is wrong with the path.
 */
export function checkOutPath(out: string): void {
  const parent = dirname(out);
  const kind = statOrUndefined(out);
  if (kind?.isDirectory()) throw new CliUsageError(`--out ${out} is a directory; give a file path`);
  if (!statOrUndefined(parent)?.isDirectory()) {
    throw new CliUsageError(`--out ${out}: the directory ${parent} does not exist; create it first`);
  }
  try {
    accessSync(kind ? out : parent, constants.W_OK);
  } catch {
    throw new CliUsageError(`--out ${out}: ${kind ? 'the file' : `the directory ${parent}`} is not writable`);
  }
}

/**
 * Writes a job's document, exactly its UTF-8 bytes, as `pieces` arrive (never held whole): to `out`
 * through a temporary file and a rename, so the file never holds half a document (a device or pipe such
 * as /dev/stdout is written directly); or to stdout. Returns the document's length in characters,
 * counted as every count of the job is (UTF-16 code units: status, watch, events). An error reading `pieces` is passed on as it is.
 * @throws OutputWriteError naming `out` when it could not be written; no temporary file is left.
 */
export async function writeDocument(pieces: AsyncIterable<string>, out: string | undefined): Promise<number> {
  let characters = 0;
  const count = (piece: string) => {
    characters += piece.length;
    return piece;
  };
  if (out === undefined) {
    for await (const piece of pieces) await writeStdout(count(piece));
    return characters;
  }
  const direct = statOrUndefined(out)?.isFile() === false;
  const target = direct ? out : join(dirname(out), `.${basename(out)}.${process.pid}.longform.tmp`);
  const writing = async <T>(write: () => Promise<T>): Promise<T> => {
    try {
      return await write();
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      throw new OutputWriteError(`could not write ${out} (${code ?? message})`);
    }
  };
  const file = await writing(() => open(target, 'w'));
  try {
    try {
      for await (const piece of pieces) await writing(() => file.write(count(piece)));
    } finally {
      await writing(() => file.close());
    }
    if (!direct) await writing(() => rename(target, out));
  } catch (error) {
    if (!direct) await rm(target, { force: true });
    throw error;
  }
  return characters;
}

/** Writes to stdout and waits until it was handed on, so large documents are not cut at exit. */
export function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  );
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
