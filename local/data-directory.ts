import { closeSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file that marks a directory as Longform's, and records which Bedrock each job runs against. */
export const DATA_DIRECTORY_MARKER = 'longform-data.json';
/** Held by the one process using a data directory; holds its process id. */
const LOCK_FILE = 'longform.lock';
const FORMAT = 'longform data directory';

interface Marker {
  format: typeof FORMAT;
  version: 1;
  /** Per job: the Bedrock it runs against (`emulator`, `aws` or an endpoint URL). */
  jobs: Record<string, { bedrock: string }>;
}

/** A `--data-dir` that is not Longform's, or cannot be used: the message says which and what to do. */
export class DataDirectoryError extends Error {
  override readonly name = 'DataDirectoryError';
}

/** Another live process uses the data directory (LevelDB allows one process at a time). */
export class DataDirectoryInUseError extends Error {
  override readonly name = 'DataDirectoryInUseError';
}

/** A job asked to run against another Bedrock than the one it ran against. */
export class BedrockMismatchError extends Error {
  override readonly name = 'BedrockMismatchError';
}

/**
 * A Longform data directory, locked by this process until {@link release}. A directory is Longform's
 * when it holds the marker; a new one is marked when it is created, so no command ever writes into a
 * directory of something else, and reading commands never create one.
 */
export class DataDirectory {
  private released = false;

  private constructor(
    readonly path: string,
    private marker: Marker,
  ) {}

  /**
   * Opens and locks `path`. With `create`, a missing or empty directory becomes a new data directory;
   * otherwise (and for any directory with other files in it) the marker must be there.
   * @throws DataDirectoryError or DataDirectoryInUseError, having written nothing.
   */
  static async open(path: string, create: boolean): Promise<DataDirectory> {
    const marker = readMarker(path, create);
    if (!marker) {
      await mkdir(path, { recursive: true });
      const fresh: Marker = { format: FORMAT, version: 1, jobs: {} };
      const directory = new DataDirectory(path, fresh);
      directory.lock();
      await directory.save();
      return directory;
    }
    const directory = new DataDirectory(path, marker);
    directory.lock();
    return directory;
  }

  /**
   * Records that job `jobId` runs against `bedrock`, or checks that it is the one it ran against
   * (`newJob`: the job is not stored, so any earlier record is replaced).
   * @throws BedrockMismatchError naming both and how to resume on the recorded one.
   */
  async useBedrock(jobId: string, bedrock: string, options: { newJob?: boolean } = {}): Promise<void> {
    const recorded = this.marker.jobs[jobId]?.bedrock;
    if (recorded === bedrock) return;
    // A job that was never stored (its input was refused) ran nowhere: its record does not bind.
    if (recorded !== undefined && !options.newJob) {
      throw new BedrockMismatchError(
        `job ${jobId} ran against Bedrock ${recorded}, not ${bedrock}: ${howToUse(recorded)} to continue it there`,
      );
    }
    this.marker = { ...this.marker, jobs: { ...this.marker.jobs, [jobId]: { bedrock } } };
    await this.save();
  }

  /** The Bedrock job `jobId` ran against, if `path` is a data directory that recorded it (read only). */
  static recordedBedrock(path: string, jobId: string): string | undefined {
    try {
      return readMarker(path, false)?.jobs[jobId]?.bedrock;
    } catch {
      return undefined; // Opening the directory says what is wrong with it.
    }
  }

  /** Gives the directory up (synchronously, so it also works on the way out of a signal). */
  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      unlinkSync(join(this.path, LOCK_FILE));
    } catch {
      // Already gone: nothing to give up.
    }
  }

  private lock(): void {
    const file = join(this.path, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        writeFileSync(fd, String(process.pid));
        closeSync(fd);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unusable(this.path, error);
      }
      const holder = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new DataDirectoryInUseError(
          `${this.path} is in use by process ${holder} (a longform run or resume); wait until it ends, or give another --data-dir`,
        );
      }
      // The process that held it is gone (killed): its lock is stale.
      unlinkSync(file);
    }
    throw new DataDirectoryInUseError(`${this.path} was taken by another process at the same moment`);
  }

  private async save(): Promise<void> {
    try {
      await writeFileAtomically(
        join(this.path, DATA_DIRECTORY_MARKER),
        `${JSON.stringify(this.marker, null, 2)}\n`,
      );
    } catch (error) {
      throw unusable(this.path, error);
    }
  }
}

/**
 * Replaces `file` with `text` through a temporary file and a rename, so a process killed mid-write leaves
 * the old file or the new one, never half of one. One writer per file at a time (the pid names the temporary).
 */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

/** The marker, `undefined` for a directory a new data directory may be made in; throws for any other. */
function readMarker(path: string, create: boolean): Marker | undefined {
  let entries: string[];
  try {
    if (!statSync(path).isDirectory()) {
      throw new DataDirectoryError(`${path} is a file, not a directory: give the --data-dir of a directory`);
    }
    entries = readdirSync(path);
  } catch (error) {
    if (error instanceof DataDirectoryError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && create) return undefined;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DataDirectoryError(`no Longform data in ${path}: give the --data-dir that \`run\` used`);
    }
    throw unusable(path, error);
  }
  if (!entries.includes(DATA_DIRECTORY_MARKER)) {
    if (create && entries.length === 0) return undefined;
    throw new DataDirectoryError(
      entries.length === 0
        ? `no Longform data in ${path}: give the --data-dir that \`run\` used`
        : `${path} is not a Longform data directory (it has no ${DATA_DIRECTORY_MARKER}); give an empty or new directory, or the --data-dir that \`run\` used`,
    );
  }
  let marker: unknown;
  try {
    marker = JSON.parse(readFileSync(join(path, DATA_DIRECTORY_MARKER), 'utf8'));
  } catch (error) {
    throw unusable(path, error);
  }
  if ((marker as Marker | null)?.format !== FORMAT || typeof (marker as Marker).jobs !== 'object') {
    throw new DataDirectoryError(
      `${join(path, DATA_DIRECTORY_MARKER)} is damaged: it is not a Longform marker`,
    );
  }
  return marker as Marker;
}

function unusable(path: string, error: unknown): DataDirectoryError {
  const { code, message } = error as NodeJS.ErrnoException;
  return new DataDirectoryError(`cannot use ${path} as a data directory (${code ?? message})`);
}

/**
 * Whether the process holding a lock still runs. A killed process stays a zombie until its parent (or,
 * once that died too, init) reaps it, and signal 0 still reaches a zombie: on Linux its state in
 * /proc tells it is gone.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}

function howToUse(bedrock: string): string {
  if (bedrock === 'emulator') return 'give --bedrock emulator and no AWS_ENDPOINT_URL_BEDROCK_RUNTIME';
  if (bedrock === 'aws') return 'give --bedrock aws and no AWS_ENDPOINT_URL_BEDROCK_RUNTIME';
  return `set AWS_ENDPOINT_URL_BEDROCK_RUNTIME=${bedrock}`;
}
