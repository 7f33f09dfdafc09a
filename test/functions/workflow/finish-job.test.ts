import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { jobKey, META_KEY, PARTITION_KEY, SORT_KEY } from '../../../functions/adapters/job-table-keys';
import { JobNotFoundError } from '../../../functions/core/errors';
import { JOB_COMPLETED, JOB_FAILED } from '../../../functions/core/job-events';
import { finishJob } from '../../../functions/workflow/finish-job';
import { startJob } from '../../../functions/workflow/start-job';
import { DocumentDirectory } from '../../../local/document-directory';
import { EventLog } from '../../../local/event-log';
import { driveJob, runJobToEnd, TEST_DEFAULTS, TEST_TABLE } from '../../../scenarios/local-services';
import { useLocalServices } from '../../../scenarios/local-services-fixture';

const services = useLocalServices();

describe('finishJob', () => {
  it('reports a completed job without an error, and stamps its end once', async () => {
    await runJobToEnd(services, 'finish-1', {
      prompt: 'Short [emulator:tokens=150]',
      maxTokensPerRound: 100,
    });
    const { finished: summary, endedNow } = await finishJob(services.store, 'finish-1');
    const job = await services.store.getJob('finish-1');
    expect(endedNow).toBe(true);
    expect(summary).toEqual({
      jobId: 'finish-1',
      status: 'COMPLETED',
      rounds: 2,
      documentCharacters: job?.documentCharacters,
      usage: { cacheReadInputTokens: 0, cacheWriteInputTokens: 0, ...job?.usage },
    });
    expect(summary.usage.outputTokens).toBeGreaterThan(0);
    expect(job?.finishedAt).toBeDefined();
    expect((await finishJob(services.store, 'finish-1')).endedNow).toBe(false);
    expect((await services.store.getJob('finish-1'))?.finishedAt).toBe(job?.finishedAt);
  });

  it("hands a job that did not complete to the Fail state with its failure's name and message", async () => {
    await runJobToEnd(services, 'finish-2', {
      prompt: 'Too long for one round [emulator:tokens=500]',
      maxTokensPerRound: 100,
      maxRounds: 1,
    });
    const { finished: summary } = await finishJob(services.store, 'finish-2');
    expect(summary.status).toBe('MAX_ROUNDS_REACHED');
    expect(summary.error).toBe('MaxRoundsReachedError');
    expect(summary.cause).toMatch(/maxRounds \(1\)/);
  });

  it('delivers the document, stamps where it went, then announces the end with it; a retry announces again only', async () => {
    await runJobToEnd(services, 'finish-3', {
      prompt: 'Delivered [emulator:tokens=300]',
      maxTokensPerRound: 100,
    });
    const directory = mkdtempSync(join(tmpdir(), 'longform-finish-'));
    const outlets = { documents: new DocumentDirectory(directory), events: new EventLog() };
    const { delivered, finished } = await finishJob(services.store, 'finish-3', outlets);
    const text = await services.store.loadDocument('finish-3');
    const path = join(directory, 'documents', 'finish-3.md');
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(delivered).toEqual({
      location: path,
      sha256: createHash('sha256').update(text).digest('hex'),
      bytes: Buffer.byteLength(text),
    });
    expect((await services.store.getJob('finish-3'))?.document).toEqual(delivered);
    expect(finished.document).toEqual(delivered);
    expect(outlets.events.events.map((event) => [event.detailType, event.detail.document])).toEqual([
      [JOB_COMPLETED, delivered],
    ]);

    rmSync(path);
    await finishJob(services.store, 'finish-3', outlets);
    expect(existsSync(path)).toBe(false);
    expect(outlets.events.events).toHaveLength(2);
    expect(outlets.events.events[1]?.detail).toEqual(outlets.events.events[0]?.detail);
  });

  it('announces a job that ended without text, delivering nothing', async () => {
    await startJob(services.store, TEST_DEFAULTS, 'finish-4', { prompt: 'Nothing yet' });
    await services.store.failJob('finish-4', { name: 'BedrockAccessDeniedError', message: 'no access' });
    const outlets = {
      documents: new DocumentDirectory(mkdtempSync(join(tmpdir(), 'longform-finish-'))),
      events: new EventLog(),
    };
    const { delivered } = await finishJob(services.store, 'finish-4', outlets);
    expect(delivered).toBeUndefined();
    expect(outlets.events.events.map((event) => [event.detailType, event.detail.error])).toEqual([
      [JOB_FAILED, { name: 'BedrockAccessDeniedError' }],
    ]);
  });

  it('delivers again a job that went on after an earlier end whose stamp was kept, and replaces the stamp', async () => {
    await runJobToEnd(services, 'finish-5', {
      prompt: 'Limited then raised [emulator:tokens=400]',
      maxTokensPerRound: 100,
      maxRounds: 2,
    });
    const directory = mkdtempSync(join(tmpdir(), 'longform-finish-'));
    const outlets = { documents: new DocumentDirectory(directory) };
    const first = await finishJob(services.store, 'finish-5', outlets);
    expect(first.finished.status).toBe('MAX_ROUNDS_REACHED');
    // What `resume --max-rounds` does (cli/round-limit.ts): a higher limit, RUNNING, the end unstamped.
    await services.documents.send(
      new UpdateCommand({
        TableName: TEST_TABLE,
        Key: { [PARTITION_KEY]: jobKey('finish-5'), [SORT_KEY]: META_KEY },
        UpdateExpression: 'SET #config.#maxRounds = :rounds, #status = :running REMOVE failure, finishedAt',
        ExpressionAttributeNames: { '#config': 'config', '#maxRounds': 'maxRounds', '#status': 'status' },
        ExpressionAttributeValues: { ':rounds': 50, ':running': 'RUNNING' },
      }),
    );
    await driveJob(services.store, services.callModel, 'finish-5', 3);
    const second = await finishJob(services.store, 'finish-5', outlets);
    const text = await services.store.loadDocument('finish-5');
    expect(second.finished.status).toBe('COMPLETED');
    expect(second.delivered?.bytes).toBe(Buffer.byteLength(text));
    expect(second.delivered?.bytes).toBeGreaterThan(first.delivered?.bytes ?? Infinity);
    expect((await services.store.getJob('finish-5'))?.document).toEqual(second.delivered);
    expect(readFileSync(join(directory, 'documents', 'finish-5.md'), 'utf8')).toBe(text);
  });

  it('a job that does not exist is JobNotFoundError', async () => {
    await expect(finishJob(services.store, 'finish-missing')).rejects.toBeInstanceOf(JobNotFoundError);
  });
});
