import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobDocument } from '../../client/job-document';
import type { JobRecord } from '../../functions/adapters/job-store';
import { CorruptDocumentError } from '../../functions/core/errors';
import { targetDocument } from '../../local/bedrock-emulator';
import { OfflineRuntime } from '../../local/offline-runtime';
import { runExecution } from '../../scenarios/offline-jobs';

const readAll = async (pieces: AsyncIterable<string>) => {
  let text = '';
  for await (const piece of pieces) text += piece;
  return text;
};

describe('jobDocument', () => {
  let runtime: OfflineRuntime;
  const input = { prompt: 'Delivered [emulator:tokens=300] ünï 𝄞', maxTokensPerRound: 100 };
  let job: JobRecord;

  beforeAll(async () => {
    runtime = await OfflineRuntime.start({
      dataDir: join(mkdtempSync(join(tmpdir(), 'longform-document-')), 'data'),
      retryIntervalMs: 1,
    });
    await runExecution(runtime, 'delivered-doc', input);
    job = (await runtime.store.getJob('delivered-doc')) as JobRecord;
  });
  afterAll(() => runtime.stop());

  it('reads the delivered copy, checked against its stamp, and the stored rounds when it is gone', async () => {
    const location = job.document?.location as string;
    expect(location).toMatch(/delivered-doc\.md$/);
    expect(await readAll(jobDocument(runtime.store, job))).toBe(targetDocument(input));
    // The copy is what is read: changed after delivery, it is refused instead of passed off.
    writeFileSync(location, `x${targetDocument(input).slice(1)}`);
    await expect(readAll(jobDocument(runtime.store, job))).rejects.toThrow(CorruptDocumentError);
    rmSync(location);
    expect(await readAll(jobDocument(runtime.store, job))).toBe(targetDocument(input));
  });
});
