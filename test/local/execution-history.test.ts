import { appendFileSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecutionHistory } from '../../local/execution-history';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'longform-history-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('ExecutionHistory', () => {
  it('numbers events from 1, each pointing at the one before, in memory as in a file', () => {
    const file = join(directory, 'job.jsonl');
    for (const history of [ExecutionHistory.inMemory(), ExecutionHistory.createFile(file)]) {
      history.append({ type: 'ExecutionStarted' }, 1_000);
      history.append(
        { type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Initialize job' } },
        2_500,
      );
      expect(history.events()).toEqual([
        { timestamp: 1, id: 1, previousEventId: 0, type: 'ExecutionStarted' },
        {
          timestamp: 2.5,
          id: 2,
          previousEventId: 1,
          type: 'TaskStateEntered',
          stateEnteredEventDetails: { name: 'Initialize job' },
        },
      ]);
      expect([history.length, history.lastType]).toEqual([2, 'TaskStateEntered']);
    }
  });

  it('opens a file a killed process left, dropping the line it was writing, and goes on numbering', () => {
    const file = join(directory, 'job.jsonl');
    const written = ExecutionHistory.createFile(file);
    written.append({ type: 'ExecutionStarted' });
    written.append({ type: 'TaskStateEntered' });
    appendFileSync(file, '{"timestamp":3,"id":3,"previousEv');

    const reopened = ExecutionHistory.openFile(file);
    expect([reopened.length, reopened.lastType]).toEqual([2, 'TaskStateEntered']);
    reopened.append({ type: 'TaskStateAborted' });
    expect(reopened.events().map((event) => [event.id, event.previousEventId, event.type])).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 1, 'TaskStateEntered'],
      [3, 2, 'TaskStateAborted'],
    ]);
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
    expect(ExecutionHistory.openFile(join(directory, 'gone.jsonl')).length).toBe(0);
  });
});
