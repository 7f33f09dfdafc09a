import { DeleteCommand, DynamoDBDocumentClient, GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobTable } from '../../../functions/adapters/job-table';
import { ConfigCache } from '../../../functions/core/config-cache';
import { CorruptDocumentError } from '../../../functions/core/errors';
import type { JobTransition } from '../../../functions/core/job-lifecycle';
import { type LocalServices, startLocalServices, TEST_TABLE } from '../../../scenarios/local-services';
import { runningJobRecord } from '../core/job-record.fixture';

let services: LocalServices;
let expiresAt = 1_000;
const PARTS_EXPIRE_AT = 5_000;
let jobs: JobTable;
/** A client that counts the commands it sends, by name. */
let counted: DynamoDBDocumentClient;
const commands: string[] = [];
beforeAll(async () => {
  services = await startLocalServices();
  jobs = new JobTable(
    services.documents,
    TEST_TABLE,
    () => expiresAt,
    () => PARTS_EXPIRE_AT,
    new ConfigCache(),
  );
  const client = services.dynamo.createClient();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  counted = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
});
afterAll(async () => {
  counted.destroy();
  await services.stop();
});

/** A table of another container: its own, empty configuration cache, on the counting client. */
const coldTable = () =>
  new JobTable(
    counted,
    TEST_TABLE,
    () => expiresAt,
    () => PARTS_EXPIRE_AT,
    new ConfigCache(),
  );

/** About 1 MB of prompt with characters of every UTF-8 width, a surrogate pair at many part edges. */
const MEGABYTE_PROMPT = 'Ledger é 東京 🚀 "quoted" \\ line\n'.repeat(27_000);

async function storedItems(jobId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateQuery(
    { client: services.documents },
    {
      TableName: TEST_TABLE,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `JOB#${jobId}` },
      ConsistentRead: true,
    },
  )) {
    items.push(...(page.Items ?? []));
  }
  return items;
}

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

  it('keeps a short configuration on META, with no other item', async () => {
    await jobs.create(newJob('table-inline'));
    const items = await storedItems('table-inline');
    expect(items.map((item) => item.sk)).toEqual(['META']);
    expect(items[0]?.config).toEqual(newJob('table-inline').config);
  });

  it('stores a 1 MB prompt in parts next to a small META, and reads it back exactly: a cold table with one paged Query, a warm one from META alone', async () => {
    const job = runningJobRecord('table-big');
    job.config.messages = [{ role: 'user', text: MEGABYTE_PROMPT }];
    job.config.system = 'Write as a harbor master ✨';
    expect(Buffer.byteLength(MEGABYTE_PROMPT)).toBeGreaterThan(1_000_000);
    expect(await jobs.create(job)).toBe(true);

    const items = await storedItems('table-big');
    const meta = items.find((item) => item.sk === 'META') as Record<string, unknown>;
    expect(Buffer.byteLength(JSON.stringify(meta))).toBeLessThan(2_000);
    expect(meta.config).not.toHaveProperty('messages');
    expect(meta.config).not.toHaveProperty('system');
    const parts = items.filter((item) => item.sk !== 'META');
    expect(parts.length).toBe(4);
    expect(parts.every((part) => part.expiresAt === PARTS_EXPIRE_AT)).toBe(true);

    commands.length = 0;
    const cold = coldTable();
    const read = await cold.get('table-big');
    expect(read?.config.messages[0]?.text === MEGABYTE_PROMPT).toBe(true);
    expect(read).toEqual(job);
    expect(commands).toEqual(['GetItemCommand', 'QueryCommand']);
    commands.length = 0;
    const applied = await cold.apply('table-big', { set: { updatedAt: 'later' }, when: {} });
    expect(await cold.get('table-big')).toEqual({ ...job, updatedAt: 'later' });
    expect(applied).toEqual({ ...job, updatedAt: 'later' });
    expect(commands).toEqual(['UpdateItemCommand', 'GetItemCommand']);
    // The table that created it already holds the text.
    expect(await jobs.get('table-big')).toEqual({ ...job, updatedAt: 'later' });
  });

  it("reads a job's state without its text: META alone, never the parts of a long prompt", async () => {
    const long = runningJobRecord('table-state');
    long.config.messages = [{ role: 'user', text: MEGABYTE_PROMPT }];
    long.config.system = 'Write as a harbor master ✨';
    await jobs.create(long);
    const { messages: _messages, system: _system, ...settings } = long.config;
    commands.length = 0;
    expect(await coldTable().getState('table-state')).toEqual({ ...long, config: settings });
    expect(commands).toEqual(['GetItemCommand']);
    // A short prompt, kept on META, is left out too.
    await jobs.create(newJob('table-state-short'));
    const state = await coldTable().getState('table-state-short');
    expect(state?.config).not.toHaveProperty('messages');
    expect(state?.config.modelId).toBe(newJob('table-state-short').config.modelId);
    expect(await coldTable().getState('table-state-missing')).toBeUndefined();
  });

  it('a second create under a taken id writes no META, and the parts it wrote are never read', async () => {
    const job = runningJobRecord('table-taken');
    job.config.messages = [{ role: 'user', text: `First ${MEGABYTE_PROMPT}` }];
    expect(await jobs.create(job)).toBe(true);
    const other = runningJobRecord('table-taken');
    other.config.messages = [{ role: 'user', text: `Second ${MEGABYTE_PROMPT}` }];
    expect(await jobs.create(other)).toBe(false);
    expect(await coldTable().get('table-taken')).toEqual(job);
  });

  it('refuses a job whose parts are missing with CorruptDocumentError, never a shorter prompt', async () => {
    const job = runningJobRecord('table-lost-part');
    job.config.messages = [{ role: 'user', text: MEGABYTE_PROMPT }];
    await jobs.create(job);
    const part = (await storedItems('table-lost-part')).find((item) => item.sk !== 'META');
    await services.documents.send(
      new DeleteCommand({ TableName: TEST_TABLE, Key: { pk: 'JOB#table-lost-part', sk: part?.sk } }),
    );
    await expect(coldTable().get('table-lost-part')).rejects.toBeInstanceOf(CorruptDocumentError);
  });
});
