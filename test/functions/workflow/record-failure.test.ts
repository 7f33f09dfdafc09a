import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFailure } from '../../../functions/workflow/record-failure';
import { startJob } from '../../../functions/workflow/start-job';
import { type LocalServices, startLocalServices, TEST_DEFAULTS } from '../../../scenarios/local-services';

let services: LocalServices;
beforeAll(async () => {
  services = await startLocalServices();
});
afterAll(async () => {
  await services.stop();
});

describe('recordFailure', () => {
  it("marks the job FAILED with the execution's error, its message taken from the Lambda cause", async () => {
    await startJob(services.store, TEST_DEFAULTS, 'failure-1', { prompt: 'Fails' });
    const cause = JSON.stringify({ errorType: 'BedrockAccessDeniedError', errorMessage: 'no access' });
    expect(
      await recordFailure(services.store, 'failure-1', { Error: 'BedrockAccessDeniedError', Cause: cause }),
    ).toEqual({ jobId: 'failure-1', error: 'BedrockAccessDeniedError', cause: 'no access' });
    const job = await services.store.getJob('failure-1');
    expect(job?.status).toBe('FAILED');
    expect(job?.failure).toEqual({ name: 'BedrockAccessDeniedError', message: 'no access' });
  });

  it('input refused at Initialize leaves the job under that id as it was', async () => {
    await startJob(services.store, TEST_DEFAULTS, 'failure-2', { prompt: 'The owner' });
    await recordFailure(services.store, 'failure-2', { Error: 'InvalidInputError', Cause: 'taken' });
    expect((await services.store.getJob('failure-2'))?.status).toBe('RUNNING');
  });
});
