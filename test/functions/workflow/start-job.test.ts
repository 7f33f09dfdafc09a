import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, JobNotFoundError } from '../../../functions/core/errors';
import { startJob } from '../../../functions/workflow/start-job';
import { storeNewJob } from '../../../functions/workflow/store-new-job';
import { type LocalServices, startLocalServices, TEST_DEFAULTS } from '../../../scenarios/local-services';

let services: LocalServices;
beforeAll(async () => {
  services = await startLocalServices();
});
afterAll(async () => {
  await services.stop();
});

describe('startJob', () => {
  it('creates a job under the execution name; the same input again is the same job', async () => {
    const input = { prompt: 'A new job' };
    expect(await startJob(services.store, TEST_DEFAULTS, 'start-1', input)).toEqual({
      jobId: 'start-1',
      nextRound: 1,
    });
    const job = await services.store.getJob('start-1');
    expect(job?.status).toBe('RUNNING');
    expect(await startJob(services.store, TEST_DEFAULTS, 'start-1', input)).toEqual({
      jobId: 'start-1',
      nextRound: 1,
    });
    expect(await services.store.getJob('start-1')).toEqual(job);
  });

  it('refuses other input under a taken id, naming jobId, and leaves the job as it was', async () => {
    await startJob(services.store, TEST_DEFAULTS, 'start-2', { prompt: 'The owner' });
    const job = await services.store.getJob('start-2');
    await expect(
      startJob(services.store, TEST_DEFAULTS, 'start-2', { prompt: 'Someone else' }),
    ).rejects.toMatchObject({ name: 'InvalidInputError', field: 'jobId' });
    expect(await services.store.getJob('start-2')).toEqual(job);
  });

  it('starts a client-stored PENDING job from its reference, and reopens a FAILED one', async () => {
    await storeNewJob(services.store, TEST_DEFAULTS, 'start-3', { prompt: 'Stored first' }, 'PENDING');
    expect((await services.store.getJob('start-3'))?.status).toBe('PENDING');
    await startJob(services.store, TEST_DEFAULTS, 'execution-name', { jobId: 'start-3' });
    expect((await services.store.getJob('start-3'))?.status).toBe('RUNNING');
    await services.store.failJob('start-3', { name: 'BedrockAccessDeniedError', message: 'denied' });
    await startJob(services.store, TEST_DEFAULTS, 'execution-name', { jobId: 'start-3' });
    const reopened = await services.store.getJob('start-3');
    expect(reopened?.status).toBe('RUNNING');
    expect(reopened?.failure).toBeUndefined();
  });

  it("validates a client-stored job again against the stack's bounds before starting it", async () => {
    const input = { prompt: 'Stored by a client', modelId: 'amazon.nova-pro-v1:0' };
    await storeNewJob(services.store, TEST_DEFAULTS, 'start-7', input, 'PENDING');
    const bounded = { ...TEST_DEFAULTS, allowedModelIds: [TEST_DEFAULTS.modelId] };
    await expect(startJob(services.store, bounded, 'start-7', { jobId: 'start-7' })).rejects.toMatchObject({
      name: 'InvalidInputError',
      field: 'modelId',
    });
    expect((await services.store.getJob('start-7'))?.status).toBe('PENDING');
    await startJob(services.store, TEST_DEFAULTS, 'start-7', { jobId: 'start-7' });
    expect((await services.store.getJob('start-7'))?.status).toBe('RUNNING');
  });

  it('stamps the execution a resumed job runs under, and leaves the first execution (the job id) unstamped', async () => {
    await startJob(services.store, TEST_DEFAULTS, 'start-6', { prompt: 'Resumed later' });
    await startJob(services.store, TEST_DEFAULTS, 'start-6', { jobId: 'start-6' });
    expect((await services.store.getJob('start-6'))?.executionName).toBeUndefined();
    await services.store.failJob('start-6', { name: 'BedrockModelError', message: 'failed' });
    await startJob(services.store, TEST_DEFAULTS, 'start-6-resume-1', { jobId: 'start-6' });
    expect(await services.store.getJob('start-6')).toMatchObject({
      status: 'RUNNING',
      executionName: 'start-6-resume-1',
    });
  });

  it('a reference to a job that does not exist is JobNotFoundError; invalid input writes nothing', async () => {
    await expect(
      startJob(services.store, TEST_DEFAULTS, 'start-4', { jobId: 'start-missing' }),
    ).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(
      startJob(services.store, TEST_DEFAULTS, 'start-5', { prompt: 'x', maxRounds: 0 }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    expect(await services.store.getJob('start-5')).toBeUndefined();
  });
});
