import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BedrockMismatchError,
  DATA_DIRECTORY_MARKER,
  DataDirectory,
  DataDirectoryError,
  DataDirectoryInUseError,
} from '../../local/data-directory';

const scratch = () => mkdtempSync(join(tmpdir(), 'longform-datadir-'));

describe('DataDirectory', () => {
  it('marks a new directory, holds it against a second opener, and gives it up', async () => {
    const path = join(scratch(), 'jobs');
    const first = await DataDirectory.open(path, true);
    expect(readdirSync(path).sort()).toEqual([DATA_DIRECTORY_MARKER, 'longform.lock']);
    await expect(DataDirectory.open(path, false)).rejects.toThrow(DataDirectoryInUseError);
    first.release();
    const again = await DataDirectory.open(path, false);
    again.release();
  });

  it('takes over the lock of a process that is gone', async () => {
    const path = join(scratch(), 'jobs');
    (await DataDirectory.open(path, true)).release();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout;
    writeFileSync(join(path, 'longform.lock'), gone);
    const directory = await DataDirectory.open(path, false);
    directory.release();
  });

  it('takes over the lock of a killed process that is still a zombie (not yet reaped)', async () => {
    const path = join(scratch(), 'jobs');
    (await DataDirectory.open(path, true)).release();
    // `sleep 0` exits, and its parent becomes `sleep 5`, which never reaps it: a zombie for 5 s.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const zombie = await new Promise<string>((resolve) =>
        parent.stdout.once('data', (data) => resolve(String(data).trim())),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(readFileSync(`/proc/${zombie}/stat`, 'utf8')).toMatch(/\) Z /);
      writeFileSync(join(path, 'longform.lock'), zombie);
      const directory = await DataDirectory.open(path, false);
      directory.release();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('refuses, writing nothing, a directory of something else and one that does not exist', async () => {
    const foreign = scratch();
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    await expect(DataDirectory.open(foreign, true)).rejects.toThrow(/not a Longform data directory/);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
    await expect(DataDirectory.open(join(foreign, 'missing'), false)).rejects.toThrow(DataDirectoryError);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
    const empty = join(foreign, 'empty');
    mkdirSync(empty);
    await expect(DataDirectory.open(empty, false)).rejects.toThrow(/no Longform data/);
  });

  it('records the Bedrock of a job once and refuses another, across openings', async () => {
    const path = join(scratch(), 'jobs');
    const first = await DataDirectory.open(path, true);
    await first.useBedrock('job-1', 'aws');
    await first.useBedrock('job-1', 'aws');
    first.release();
    expect(DataDirectory.recordedBedrock(path, 'job-1')).toBe('aws');
    const second = await DataDirectory.open(path, false);
    await expect(second.useBedrock('job-1', 'emulator')).rejects.toThrow(BedrockMismatchError);
    await expect(second.useBedrock('job-1', 'emulator')).rejects.toThrow(/give --bedrock aws/);
    // A job whose input was refused was never stored: a new job under its id may run anywhere.
    await second.useBedrock('job-1', 'emulator', { newJob: true });
    expect(DataDirectory.recordedBedrock(path, 'job-1')).toBe('emulator');
    second.release();
  });
});
