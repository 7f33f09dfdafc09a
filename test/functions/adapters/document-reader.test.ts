import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobStore } from '../../../functions/adapters/job-store';
import { DocumentCache } from '../../../functions/core/document-cache';
import { CorruptDocumentError } from '../../../functions/core/errors';
import type { JobRecord } from '../../../functions/core/job-record';
import { runRound } from '../../../functions/workflow/run-round';
import { startJob } from '../../../functions/workflow/start-job';
import { targetDocument } from '../../../local/bedrock-emulator';
import {
  type LocalServices,
  startLocalServices,
  TEST_DEFAULTS,
  TEST_TABLE,
} from '../../../scenarios/local-services';

let services: LocalServices;
let documents: DynamoDBDocumentClient;
/** Round numbers of the round items each Query returned, in order. */
const queried: number[][] = [];

beforeAll(async () => {
  services = await startLocalServices();
  const client = services.dynamo.createClient();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'QueryCommand') {
        const items = (result.output as { Items?: Record<string, unknown>[] }).Items ?? [];
        const keys = items.map((item) => {
          const sk = item.sk as string | { S: string };
          return typeof sk === 'string' ? sk : sk.S;
        });
        queried.push(keys.filter((sk) => /^ROUND#\d{6}$/.test(sk)).map((sk) => Number(sk.slice(6))));
      }
      return result;
    },
    { step: 'initialize', name: 'recordQueriedRounds' },
  );
  documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
});
afterAll(async () => {
  documents.destroy();
  await services.stop();
});

/** A round function container: its own store and document cache, as one warm Lambda keeps them. */
const container = () => new JobStore(documents, TEST_TABLE, 86_400, { documentCache: new DocumentCache() });

/** Runs a job with round `n` in `containers[(n - 1) % length]`; returns the rounds each round's Query read. */
async function runAcross(jobId: string, prompt: string, containers: JobStore[]) {
  await startJob(containers[0] as JobStore, TEST_DEFAULTS, jobId, { prompt, maxTokensPerRound: 60 });
  const readByRound: number[][] = [];
  for (let round = 1; ; round++) {
    const store = containers[(round - 1) % containers.length] as JobStore;
    queried.length = 0;
    const { result } = await runRound(store, services.callModel, jobId, round);
    readByRound.push(queried.flat());
    if (result.next === 'finish') break;
  }
  return readByRound;
}

describe('DocumentReader: the document a round starts from', () => {
  it('a warm container reads no earlier round: only the round it runs, which is not committed yet', async () => {
    const prompt = 'One warm container [emulator:tokens=600]';
    const store = container();
    const reads = await runAcross('reader-warm', prompt, [store]);
    expect(reads.length).toBeGreaterThan(5);
    for (const read of reads) expect(read).toEqual([]);
    expect(await store.loadDocument('reader-warm')).toBe(targetDocument({ prompt }));
  });

  it('two containers alternating rounds: each detects its stale cache from META and reads only the round the other committed', async () => {
    const prompt = 'Two containers take turns [emulator:tokens=600]';
    const [a, b] = [container(), container()];
    const reads = await runAcross('reader-alternating', prompt, [a, b] as JobStore[]);
    expect(reads.length).toBeGreaterThan(5);
    // Round 1: nothing stored yet. Round 2: B starts cold and reads round 1. From then on each container's
    // cache ends one round behind META (the other container committed it): it reads exactly that round.
    expect(reads).toEqual(reads.map((_, index) => (index === 0 ? [] : [index])));
    expect(await a.loadDocument('reader-alternating')).toBe(targetDocument({ prompt }));
  });

  it('finds a round that an attempt committed but did not advance, and reuses it', async () => {
    const store = container();
    await startJob(store, TEST_DEFAULTS, 'reader-committed', {
      prompt: 'Committed, not advanced [emulator:tokens=300]',
      maxTokensPerRound: 100,
    });
    await runRound(store, services.callModel, 'reader-committed', 1);
    const job = (await store.getJob('reader-committed')) as JobRecord;
    const round2 = { ...(await store.getRound('reader-committed', 1)), round: 2 } as Parameters<
      JobStore['putRound']
    >[1];
    await store.putRound('reader-committed', round2);
    const start = await store.roundStart(job, 2);
    expect(start.committed?.round).toBe(2);
    expect(start.documentSoFar.length).toBe(job.documentCharacters);
  });

  it('drops a cached document that does not match META, and reads every round once instead', async () => {
    const prompt = 'A wrong cache entry [emulator:tokens=400]';
    await runAcross('reader-wrong', prompt, [container()]);
    const cache = new DocumentCache();
    const store = new JobStore(documents, TEST_TABLE, 86_400, { documentCache: cache });
    const stored = (await store.getJob('reader-wrong')) as JobRecord;
    // The job as a round before its last one saw it (that round is committed now, which the read finds).
    const round = stored.nextRound - 1;
    const before = await store.loadDocument('reader-wrong', round - 1);
    const job: JobRecord = {
      ...stored,
      status: 'RUNNING',
      nextRound: round,
      documentCharacters: before.length,
    };
    const everyRound = Array.from({ length: round }, (_, index) => index + 1);

    // At META's round but not as long as META says: not used at all.
    cache.keep(job, { round: round - 1, text: 'not the document' });
    queried.length = 0;
    expect((await store.roundStart(job, round)).documentSoFar).toBe(before);
    expect(queried).toEqual([everyRound]);

    // Behind META: the rounds it lacks are read, do not fit it, and every round is read again.
    cache.keep(job, { round: round - 2, text: 'x' });
    queried.length = 0;
    const start = await store.roundStart(job, round);
    expect(start.documentSoFar).toBe(before);
    expect(start.committed?.round).toBe(round);
    expect(queried).toEqual([[round - 1, round], everyRound]);
    // The good document is kept again once the round advances the job.
    expect(cache.usable(job)).toBeUndefined();
  });

  it('refuses stored rounds that do not fold to the length META records', async () => {
    const store = container();
    await runAcross('reader-corrupt', 'Corrupt [emulator:tokens=200]', [store]);
    const job = (await store.getJob('reader-corrupt')) as JobRecord;
    await expect(
      container().roundStart({ ...job, documentCharacters: job.documentCharacters + 1 }, job.nextRound),
    ).rejects.toBeInstanceOf(CorruptDocumentError);
  });
});
