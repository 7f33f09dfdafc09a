import { writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirectoryError } from '../../local/data-directory';
import {
  EXECUTION_RECORDS_FILE,
  type ExecutionRecord,
  ExecutionRecordFile,
} from '../../local/execution-records';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'longform-records-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const record = (name: string, status: ExecutionRecord['status']): ExecutionRecord => ({
  name,
  arn: `arn:aws:states:local:000000000000:execution:longform:${name}`,
  input: '{"prompt":"p"}',
  startDate: 1,
  status,
  redriveCount: 0,
});

describe('ExecutionRecordFile', () => {
  it('has no records before the first write, then the last ones written, leaving no temporary file', async () => {
    const file = new ExecutionRecordFile(directory);
    expect(file.load()).toEqual([]);
    const records = [record('a', 'RUNNING')];
    const first = file.save(() => records);
    records.push(record('b', 'FAILED'));
    await Promise.all([first, file.save(() => records)]);
    expect(new ExecutionRecordFile(directory).load()).toEqual(records);
    expect(await readdir(directory)).toEqual([EXECUTION_RECORDS_FILE]);
  });

  it('refuses a damaged file with what to do', () => {
    writeFileSync(join(directory, EXECUTION_RECORDS_FILE), '{"executions": [');
    expect(() => new ExecutionRecordFile(directory).load()).toThrow(DataDirectoryError);
    expect(() => new ExecutionRecordFile(directory).load()).toThrow(/move it away/);
  });
});
