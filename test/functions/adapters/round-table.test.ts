import { DeleteCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUND_PART_BYTES, RoundTable } from '../../../functions/adapters/round-table';
import { CorruptDocumentError } from '../../../functions/core/errors';
import type { RoundRecord } from '../../../functions/core/round-record';
import { type LocalServices, startLocalServices, TEST_TABLE } from '../../../scenarios/local-services';

let services: LocalServices;
let rounds: RoundTable;
beforeAll(async () => {
  services = await startLocalServices();
  rounds = new RoundTable(services.documents, TEST_TABLE, () => 2_000_000_000);
});
afterAll(async () => {
  await services.stop();
});

function round(n: number, text: string): RoundRecord {
  return {
    round: n,
    text,
    strategy: 'prefill',
    seam: { keepPrevious: 0, chunkFrom: 0, chunkTo: text.length },
    stopReason: 'max_tokens',
    usage: { inputTokens: 1, outputTokens: 1 },
    latencyMs: 1,
    documentCharacters: text.length,
    decision: { next: 'continue', noProgressRounds: 0 },
    createdAt: new Date(0).toISOString(),
  };
}

async function readRange(jobId: string, from: number, through?: number): Promise<RoundRecord[]> {
  const read: RoundRecord[] = [];
  for await (const record of rounds.range(jobId, from, through)) read.push(record);
  return read;
}

describe('RoundTable on local DynamoDB', () => {
  it('a long round that lost the race to commit leaves parts that no read picks up', async () => {
    const first = 'a'.repeat(ROUND_PART_BYTES + 10);
    const second = 'b'.repeat(ROUND_PART_BYTES * 2 + 10);
    expect(await rounds.put('rounds-race', round(1, first))).toBe('written');
    expect(await rounds.put('rounds-race', round(1, second))).toBe('exists');
    await rounds.put('rounds-race', round(2, 'next'));
    expect((await rounds.get('rounds-race', 1))?.text).toBe(first);
    expect((await readRange('rounds-race', 1)).map((record) => record.text)).toEqual([first, 'next']);
  });

  it('reads the rounds from one to another, across 1 MB pages', async () => {
    // 8 rounds of 300 KB: more than two pages of a Query.
    for (let n = 1; n <= 8; n++) await rounds.put('rounds-pages', round(n, String(n).repeat(300_000)));
    const all = await readRange('rounds-pages', 1);
    expect(all.map((record) => record.round)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(all.every((record) => record.text === String(record.round).repeat(300_000))).toBe(true);
    expect((await readRange('rounds-pages', 3, 5)).map((record) => record.round)).toEqual([3, 4, 5]);
    expect(await readRange('rounds-pages', 9)).toEqual([]);
    expect(await rounds.get('rounds-pages', 9)).toBeUndefined();
  });

  it('a missing part is a corrupt round, never a shorter one', async () => {
    await rounds.put('rounds-corrupt', round(1, 'c'.repeat(ROUND_PART_BYTES * 2)));
    const keys: string[] = [];
    const pages = paginateQuery(
      { client: services.documents },
      {
        TableName: TEST_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'JOB#rounds-corrupt' },
        ProjectionExpression: 'sk',
      },
    );
    for await (const page of pages) keys.push(...(page.Items ?? []).map((item) => item.sk as string));
    const part = keys.find((key) => key.includes('#p'));
    expect(part).toBeDefined();
    await services.documents.send(
      new DeleteCommand({ TableName: TEST_TABLE, Key: { pk: 'JOB#rounds-corrupt', sk: part } }),
    );
    await expect(rounds.get('rounds-corrupt', 1)).rejects.toBeInstanceOf(CorruptDocumentError);
    await expect(readRange('rounds-corrupt', 1)).rejects.toThrow(/has 1 of 2 parts/);
  });
});
