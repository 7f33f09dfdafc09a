import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobNotFoundError } from '../../../functions/core/errors';
import { finishJob } from '../../../functions/workflow/finish-job';
import { startJob } from '../../../functions/workflow/start-job';
import {
  driveJob,
  type LocalServices,
  startLocalServices,
  TEST_DEFAULTS,
} from '../../../scenarios/local-services';

let services: LocalServices;
beforeAll(async () => {
  services = await startLocalServices();
});
afterAll(async () => {
  await services.stop();
});

describe('finishJob', () => {
  it('reports a completed job without an error, and stamps its end once', async () => {
    await startJob(services.store, TEST_DEFAULTS, 'finish-1', {
      prompt: 'Short [emulator:tokens=150]',
      maxTokensPerRound: 100,
    });
    await driveJob(services.store, services.callModel, 'finish-1');
    const summary = await finishJob(services.store, 'finish-1');
    const job = await services.store.getJob('finish-1');
    expect(summary).toEqual({
      jobId: 'finish-1',
      status: 'COMPLETED',
      rounds: 2,
      documentCharacters: job?.documentCharacters,
    });
    expect(job?.finishedAt).toBeDefined();
    await finishJob(services.store, 'finish-1');
    expect((await services.store.getJob('finish-1'))?.finishedAt).toBe(job?.finishedAt);
  });

  it("hands a job that did not complete to the Fail state with its failure's name and message", async () => {
    await startJob(services.store, TEST_DEFAULTS, 'finish-2', {
      prompt: 'Too long for one round [emulator:tokens=500]',
      maxTokensPerRound: 100,
      maxRounds: 1,
    });
    await driveJob(services.store, services.callModel, 'finish-2');
    const summary = await finishJob(services.store, 'finish-2');
    expect(summary.status).toBe('MAX_ROUNDS_REACHED');
    expect(summary.error).toBe('MaxRoundsReachedError');
    expect(summary.cause).toMatch(/maxRounds \(1\)/);
  });

  it('a job that does not exist is JobNotFoundError', async () => {
    await expect(finishJob(services.store, 'finish-missing')).rejects.toBeInstanceOf(JobNotFoundError);
  });
});
