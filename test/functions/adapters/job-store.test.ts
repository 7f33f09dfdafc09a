import { paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobRecord, JobStore } from '../../../functions/adapters/job-store';
import { ROUND_PART_BYTES } from '../../../functions/adapters/round-table';
import type { JobConfig } from '../../../functions/core/job-config';
import type { RoundRecord } from '../../../functions/core/round-record';
import { storeNewJob } from '../../../functions/workflow/store-new-job';
import {
  type LocalServices,
  startLocalServices,
  TEST_DEFAULTS,
  TEST_TABLE,
} from '../../../scenarios/local-services';

let services: LocalServices;
beforeAll(async () => {
  services = await startLocalServices();
});
afterAll(async () => {
  await services.stop();
});

const config: JobConfig = {
  messages: [{ role: 'user', text: 'prompt' }],
  modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
  api: 'converse',
  maxTokensPerRound: 100,
  maxRounds: 10,
  continuation: 'prefill',
  stopSequences: [],
};

function round(n: number, text: string, keepPrevious: number): RoundRecord {
  return {
    round: n,
    text,
    strategy: 'prefill',
    seam: { keepPrevious, chunkFrom: 0, chunkTo: text.length },
    stopReason: 'max_tokens',
    usage: { inputTokens: 1, outputTokens: 1 },
    latencyMs: 1,
    documentCharacters: keepPrevious + text.length,
    decision: { next: 'continue', noProgressRounds: 0 },
    createdAt: new Date(0).toISOString(),
  };
}

describe('JobStore on local DynamoDB', () => {
  it('creates a job once: the same id again writes nothing and returns the stored job', async () => {
    const first = await services.store.createJob('store-1', config, 'prefill', 'RUNNING');
    expect(first.created).toBe(true);
    expect(first.job).toEqual(await services.store.getJob('store-1'));
    const again = await services.store.createJob(
      'store-1',
      { ...config, maxRounds: 5 },
      'prefill',
      'RUNNING',
    );
    expect(again.created).toBe(false);
    expect(again.job?.config.maxRounds).toBe(10);
    const job = await services.store.getJob('store-1');
    expect(job?.config.maxRounds).toBe(10);
    expect(job?.nextRound).toBe(1);
    expect(job?.status).toBe('RUNNING');
  });

  it('stores a 1 MB round in parts and reads it back exactly, alone and folded into the document', async () => {
    await services.store.createJob('store-big', config, 'prefill', 'RUNNING');
    // Multi-byte characters and emoji make byte and character counts differ, and put surrogate pairs at part edges.
    const unit = 'Longform 長文 👩‍💻 línea\n';
    const text = unit.repeat(Math.ceil(1_048_576 / Buffer.byteLength(unit)));
    expect(Buffer.byteLength(text)).toBeGreaterThan(Math.max(1_000_000, 2 * ROUND_PART_BYTES));
    expect(await services.store.putRound('store-big', round(1, text, 0))).toBe('written');
    // Counted across pages: a page holds at most 1 MB of items, fewer than these three.
    let items = 0;
    const pages = paginateQuery(
      { client: services.documents },
      {
        TableName: TEST_TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :round)',
        ExpressionAttributeValues: { ':pk': 'JOB#store-big', ':round': 'ROUND#000001' },
        ProjectionExpression: 'sk',
      },
    );
    for await (const page of pages) items += page.Count ?? 0;
    expect(items).toBe(Math.ceil(Buffer.byteLength(text) / ROUND_PART_BYTES));
    const stored = await services.store.getRound('store-big', 1);
    expect(stored?.text).toBe(text);
    expect(await services.store.putRound('store-big', round(2, 'tail', text.length))).toBe('written');
    expect(await services.store.loadDocument('store-big')).toBe(`${text}tail`);
    const pieces: string[] = [];
    for await (const piece of services.store.streamDocument('store-big')) pieces.push(piece);
    expect(pieces.join('')).toBe(`${text}tail`);
    // Every streamed piece is valid UTF-16 on its own, so it can be written out as UTF-8 piece by piece.
    for (const piece of pieces) expect(Buffer.from(piece, 'utf8').toString('utf8')).toBe(piece);
  });

  it('commits a round once: a second attempt is told the round exists and its text is never read', async () => {
    await services.store.createJob('store-2', config, 'prefill', 'RUNNING');
    expect(await services.store.putRound('store-2', round(1, 'first attempt ', 0))).toBe('written');
    expect(await services.store.putRound('store-2', round(1, 'second attempt', 0))).toBe('exists');
    expect((await services.store.getRound('store-2', 1))?.text).toBe('first attempt ');
    expect(await services.store.loadDocument('store-2')).toBe('first attempt ');
  });

  it('folds rounds with their seams: trailing white space dropped where a later prefill seam says so', async () => {
    await services.store.createJob('store-3', config, 'prefill', 'RUNNING');
    await services.store.putRound('store-3', round(1, 'Hello,   ', 0));
    await services.store.putRound('store-3', round(2, '  world', 'Hello,'.length));
    expect(await services.store.loadDocument('store-3')).toBe('Hello,  world');
    expect(await services.store.loadDocument('store-3', 1)).toBe('Hello,   ');
  });

  it('advances META only from the round it is at and returns the new record, so a repeated advance is stale', async () => {
    const { job } = await services.store.createJob('store-4', config, 'prefill', 'RUNNING');
    const record = { ...round(1, 'Hello', 0), usage: { inputTokens: 3, outputTokens: 4 } };
    const advanced = await services.store.advanceJob(job as JobRecord, record, '');
    expect(advanced).toEqual(await services.store.getJob('store-4'));
    expect(advanced?.nextRound).toBe(2);
    expect(advanced?.usage).toEqual({
      inputTokens: 3,
      outputTokens: 4,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
    expect(advanced?.documentCharacters).toBe(5);
    expect(advanced?.status).toBe('RUNNING');
    expect(await services.store.advanceJob(job as JobRecord, record, '')).toBeUndefined();
    expect((await services.store.getJob('store-4'))?.nextRound).toBe(2);
  });

  it("a finishing round's decision becomes the job's status and failure", async () => {
    const { job } = await services.store.createJob('store-7', config, 'prefill', 'RUNNING');
    const failure = { name: 'MaxRoundsReachedError', message: 'limit' };
    const last: RoundRecord = {
      ...round(1, 'Done', 0),
      decision: { next: 'finish', status: 'MAX_ROUNDS_REACHED', noProgressRounds: 0, failure },
    };
    const ended = await services.store.advanceJob(job as JobRecord, last, '');
    expect(ended?.status).toBe('MAX_ROUNDS_REACHED');
    expect(ended?.failure).toEqual(failure);
    const finished = await services.store.markFinished('store-7');
    expect(finished?.finishedAt).toBeDefined();
    // Stamped once: finishing again keeps the first time.
    expect((await services.store.markFinished('store-7'))?.finishedAt).toBe(finished?.finishedAt);
    expect(await services.store.markFinished('store-missing')).toBeUndefined();
  });

  it('a failure recorded for a round the job already left does not fail the job', async () => {
    const { job } = await services.store.createJob('store-6', config, 'prefill', 'RUNNING');
    await services.store.advanceJob(job as JobRecord, round(1, 'x', 0), '');
    const stale = await services.store.failJob(
      'store-6',
      { name: 'BedrockValidationError', message: 'stale attempt' },
      1,
    );
    expect(stale).toBeUndefined();
    expect((await services.store.getJob('store-6'))?.status).toBe('RUNNING');
    const failed = await services.store.failJob(
      'store-6',
      { name: 'BedrockValidationError', message: 'current attempt' },
      2,
    );
    expect(failed?.failure?.message).toBe('current attempt');
    expect(await services.store.getJob('store-6')).toEqual(failed);
  });

  it('fails only running jobs, and reopens failed ones for a resume', async () => {
    await services.store.createJob('store-5', config, 'prefill', 'RUNNING');
    await services.store.failJob('store-5', { name: 'BedrockAccessDeniedError', message: 'no access' });
    expect((await services.store.getJob('store-5'))?.status).toBe('FAILED');
    const reopened = await services.store.reopenJob('store-5');
    expect(reopened?.status).toBe('RUNNING');
    expect(reopened?.failure).toBeUndefined();
    expect(reopened?.finishedAt).toBeUndefined();
    expect(await services.store.reopenJob('store-5')).toBeUndefined();
    // A job that does not exist is never created by a failure record.
    await services.store.failJob('store-missing', { name: 'InvalidInputError', message: 'bad' });
    expect(await services.store.getJob('store-missing')).toBeUndefined();
  });

  it("starts a client-stored job once, and records an auto job's switch to instruction", async () => {
    await services.store.createJob('store-8', config, 'prefill', 'PENDING');
    expect((await services.store.startJob('store-8'))?.status).toBe('RUNNING');
    expect(await services.store.startJob('store-8')).toBeUndefined();
    await services.store.switchToInstruction('store-8', 1);
    const job = await services.store.getJob('store-8');
    expect(job?.strategy).toBe('instruction');
    expect(job?.strategySwitchedAtRound).toBe(1);
  });

  it('a 1 MB prompt: the same input under its id is the same job, read from a cold store; another input is refused', async () => {
    const unit = 'Longform 長文 👩‍💻 línea\n';
    const prompt = unit.repeat(Math.ceil(1_048_576 / Buffer.byteLength(unit)));
    const input = { prompt, system: 'System ✨', maxTokensPerRound: 100 };
    const created = await storeNewJob(services.store, TEST_DEFAULTS, 'store-prompt', input, 'PENDING');
    expect(created.config.messages[0]?.text === prompt).toBe(true);
    const cold = () => new JobStore(services.documents, TEST_TABLE, 86_400);
    expect(await storeNewJob(cold(), TEST_DEFAULTS, 'store-prompt', input, 'PENDING')).toEqual(created);
    await expect(
      storeNewJob(cold(), TEST_DEFAULTS, 'store-prompt', { ...input, prompt: `${prompt}.` }, 'PENDING'),
    ).rejects.toMatchObject({ name: 'InvalidInputError', field: 'jobId' });
    expect(await cold().getJob('store-prompt')).toEqual(created);
  });

  it("a long prompt's settings stay on META: raising maxRounds there (resume --max-rounds) keeps the prompt", async () => {
    const long: JobConfig = { ...config, messages: [{ role: 'user', text: 'é'.repeat(10_000) }] };
    await services.store.createJob('store-raised', long, 'prefill', 'RUNNING');
    await services.documents.send(
      new UpdateCommand({
        TableName: TEST_TABLE,
        Key: { pk: 'JOB#store-raised', sk: 'META' },
        UpdateExpression: 'SET #config.#maxRounds = :maxRounds',
        ExpressionAttributeNames: { '#config': 'config', '#maxRounds': 'maxRounds' },
        ExpressionAttributeValues: { ':maxRounds': 40 },
      }),
    );
    expect((await services.store.getJob('store-raised'))?.config).toEqual({ ...long, maxRounds: 40 });
  });
});
