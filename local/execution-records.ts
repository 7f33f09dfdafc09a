import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirectoryError, writeFileAtomically } from './data-directory';

/** Where `serve` keeps its executions in a data directory, next to the jobs. */
export const EXECUTION_RECORDS_FILE = 'serve-executions.json';
/** The folder of the executions' histories, one `<execution name>.jsonl` each. */
export const EXECUTION_HISTORY_FOLDER = 'serve-history';
const FORMAT = 'longform serve executions';

/** The status values of an execution, as Step Functions names them. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** What `serve` remembers of an execution besides its history (dates in epoch seconds). */
export interface ExecutionRecord {
  name: string;
  arn: string;
  input: string;
  startDate: number;
  status: ExecutionStatus;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveDate?: number;
}

/**
 * The executions of a data directory, in one small JSON file (histories live in their own files),
 * replaced atomically on every change of an execution's status, oldest execution first. Writes are made
 * one after another, each with the records as they are when it is made.
 */
export class ExecutionRecordFile {
  private writing: Promise<void> = Promise.resolve();
  private readonly file: string;

  constructor(directory: string) {
    this.file = join(directory, EXECUTION_RECORDS_FILE);
  }

  /**
   * The records written by an earlier process; none when there is no file yet.
   * @throws DataDirectoryError when the file is not one this class wrote.
   */
  load(): ExecutionRecord[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let parsed: { format?: string; executions?: ExecutionRecord[] } | null = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Said below.
    }
    if (parsed?.format !== FORMAT || !Array.isArray(parsed.executions)) {
      throw new DataDirectoryError(
        `${this.file} is damaged: it is not a record of served executions; move it away to serve the jobs without their executions`,
      );
    }
    return parsed.executions;
  }

  /** Writes `records()` once the writes before it are done; resolves when it is on disk. */
  save(records: () => ExecutionRecord[]): Promise<void> {
    const next = this.writing.then(() =>
      writeFileAtomically(
        this.file,
        `${JSON.stringify({ format: FORMAT, version: 1, executions: records() })}\n`,
      ),
    );
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every write asked for so far has ended. */
  flush(): Promise<void> {
    return this.writing;
  }
}
