import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobTable } from '../../../functions/adapters/job-table';
import type { JobTransition } from '../../../functions/core/job-lifecycle';
import { type LocalServices, startLocalServices, TEST_TABLE } from '../../../scenarios/local-services';
import { runningJobRecord } from '../core/job-record.fixture';

let services: LocalServices;
let expiresAt = 1_000;
let jobs: JobTable;
beforeAll(async () => {
  services = await startLocalServices();
  jobs = new JobTable(services.documents, TEST_TABLE, () => expiresAt);
});
afterAll(async () => {
  await services.stop();
});

const newJob = (jobId: string) => runningJobRecord(jobId);

async function storedExpiry(jobId: string): Promise<number | undefined> {
  const { Item } = await services.documents.send(
    new GetCommand({ TableName: TEST_TABLE, Key: { pk: `JOB#${jobId}`, sk: 'META' }, ConsistentRead: true }),
  );
  return Item?.expiresAt;
}

describe('JobTable on local DynamoDB', () => {
  it('applies a transition only while its guard holds, and returns the job as it is after it', async () => {
    await jobs.create(newJob('table-1'));
    const transition: JobTransition = {
      set: { strategy: 'instruction', strategySwitchedAtRound: 1, updatedAt: 'now' },
      when: { status: ['RUNNING', 'PENDING'], atRound: 1, strategy: 'prefill' },
    };
    const applied = await jobs.apply('table-1', transition);
    expect(applied).toEqual(await jobs.get('table-1'));
    expect(applied).toMatchObject({ strategy: 'instruction', strategySwitchedAtRound: 1, updatedAt: 'now' });
    // The strategy guard no longer holds; nor would a wrong round or status.
    expect(await jobs.apply('table-1', transition)).toBeUndefined();
    expect(await jobs.apply('table-1', { ...transition, when: { atRound: 2 } })).toBeUndefined();
    expect(await jobs.apply('table-1', { ...transition, when: { status: ['FAILED'] } })).toBeUndefined();
    expect(await jobs.apply('table-1', { ...transition, when: { atRound: 1 } })).toBeDefined();
  });

  it('removes fields, keeps a field set only if absent, and never creates a job', async () => {
    await jobs.create(newJob('table-2'));
    await jobs.apply('table-2', {
      set: { failure: { name: 'E', message: 'm' } },
      setIfAbsent: { finishedAt: 'first' },
      when: {},
    });
    const again = await jobs.apply('table-2', { set: {}, setIfAbsent: { finishedAt: 'second' }, when: {} });
    expect(again?.finishedAt).toBe('first');
    const removed = await jobs.apply('table-2', { set: {}, remove: ['failure', 'finishedAt'], when: {} });
    expect(removed?.failure).toBeUndefined();
    expect(removed?.finishedAt).toBeUndefined();
    expect(await jobs.apply('table-missing', { set: { updatedAt: 'now' }, when: {} })).toBeUndefined();
    expect(await jobs.get('table-missing')).toBeUndefined();
  });

  it('every write pushes the TTL out from the time of the write; a refused one does not', async () => {
    expiresAt = 1_000;
    expect(await jobs.create(newJob('table-3'))).toBe(true);
    expect(await storedExpiry('table-3')).toBe(1_000);
    expiresAt = 2_000;
    expect(await jobs.create(newJob('table-3'))).toBe(false);
    expect(await storedExpiry('table-3')).toBe(1_000);
    await jobs.apply('table-3', { set: { updatedAt: 'now' }, when: {} });
    expect(await storedExpiry('table-3')).toBe(2_000);
    // The TTL attribute is the table's, not the job record's.
    expect(await jobs.get('table-3')).not.toHaveProperty('expiresAt');
  });
});
