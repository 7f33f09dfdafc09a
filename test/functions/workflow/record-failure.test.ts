import { describe, expect, it } from 'vitest';
import { EXECUTION_ABORTED } from '../../../functions/core/failure-description';
import { JOB_FAILED } from '../../../functions/core/job-events';
import { recordFailure } from '../../../functions/workflow/record-failure';
import { runRound } from '../../../functions/workflow/run-round';
import { startJob } from '../../../functions/workflow/start-job';
import { EventLog } from '../../../local/event-log';
import { runJobToEnd, TEST_DEFAULTS } from '../../../scenarios/local-services';
import { useLocalServices } from '../../../scenarios/local-services-fixture';

const services = useLocalServices();

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
    const events = new EventLog();
    await recordFailure(services.store, 'failure-2', { Error: 'InvalidInputError', Cause: 'taken' }, events);
    expect((await services.store.getJob('failure-2'))?.status).toBe('RUNNING');
    expect(events.events).toEqual([]);
  });

  it('announces a FAILED job, also one a round marked FAILED before its execution failed', async () => {
    await startJob(services.store, TEST_DEFAULTS, 'failure-3', { prompt: 'Fails at a round' });
    await services.store.failJob('failure-3', { name: 'BedrockValidationError', message: 'bad request' }, 1);
    const events = new EventLog();
    const caught = { Error: 'BedrockValidationError', Cause: '{"errorMessage":"bad request"}' };
    await recordFailure(services.store, 'failure-3', caught, events);
    expect(events.events.map((event) => [event.detailType, event.detail.status, event.detail.error])).toEqual(
      [[JOB_FAILED, 'FAILED', { name: 'BedrockValidationError' }]],
    );
    expect(JSON.stringify(events.events)).not.toContain('bad request');
  });

  it('announces nothing for a job that ended otherwise', async () => {
    await runJobToEnd(services, 'failure-4', { prompt: 'Completes [emulator:tokens=50]' });
    const events = new EventLog();
    await recordFailure(services.store, 'failure-4', { Error: 'States.Timeout' }, events);
    expect((await services.store.getJob('failure-4'))?.status).toBe('COMPLETED');
    expect(events.events).toEqual([]);
  });

  it('marks the job of a stopped execution FAILED with ExecutionAbortedError, and announces it', async () => {
    await startJob(services.store, TEST_DEFAULTS, 'failure-5', { prompt: 'Stopped' });
    const events = new EventLog();
    await recordFailure(services.store, 'failure-5', EXECUTION_ABORTED, events);
    const job = await services.store.getJob('failure-5');
    expect([job?.status, job?.failure?.name]).toEqual(['FAILED', 'ExecutionAbortedError']);
    expect(events.events.map((event) => [event.detailType, event.detail.error])).toEqual([
      [JOB_FAILED, { name: 'ExecutionAbortedError' }],
    ]);
  });

  it("leaves a job that a resumed execution runs alone when its old execution's end arrives late", async () => {
    await startJob(services.store, TEST_DEFAULTS, 'failure-6', { prompt: 'Resumed' });
    await startJob(services.store, TEST_DEFAULTS, 'failure-6-resume-1', { jobId: 'failure-6' });
    const events = new EventLog();
    await recordFailure(services.store, 'failure-6', EXECUTION_ABORTED, events, 'failure-6');
    expect((await services.store.getJob('failure-6'))?.status).toBe('RUNNING');
    expect(events.events).toEqual([]);
    // The execution that runs it now is recorded.
    await recordFailure(services.store, 'failure-6', EXECUTION_ABORTED, events, 'failure-6-resume-1');
    expect((await services.store.getJob('failure-6'))?.status).toBe('FAILED');
    expect(events.events.map((event) => event.detail.executionName)).toEqual(['failure-6-resume-1']);
  });

  it("leaves the job a redrive runs alone when the stopped run's end arrives late, and fails it at its own end", async () => {
    const jobId = 'failure-7';
    const input = { prompt: 'Stopped, then redriven [emulator:tokens=1800]', maxTokensPerRound: 97 };
    await startJob(services.store, TEST_DEFAULTS, jobId, input);
    // Stopped, then redriven at once: the redriven round runs before the stop's event arrives.
    const redriven = { executionName: jobId, redriveCount: 1 };
    await runRound(services.store, services.callModel, jobId, 1, redriven);
    const events = new EventLog();
    await recordFailure(services.store, jobId, EXECUTION_ABORTED, events, jobId, 0);
    expect((await services.store.getJob(jobId))?.status).toBe('RUNNING');
    expect(events.events).toEqual([]);
    // So the redriven run's rounds still advance the job,
    const { result } = await runRound(services.store, services.callModel, jobId, 2, redriven);
    expect([result.status, result.nextRound]).toEqual(['RUNNING', 3]);
    // and its own end is recorded.
    await recordFailure(services.store, jobId, EXECUTION_ABORTED, events, jobId, 1);
    expect((await services.store.getJob(jobId))?.status).toBe('FAILED');
    expect(events.events.map((event) => event.detail.status)).toEqual(['FAILED']);
  });

  it("reopens at the redrive a job that the stopped run's end failed first", async () => {
    const jobId = 'failure-8';
    const input = {
      prompt: 'Stopped, recorded, then redriven [emulator:tokens=1800]',
      maxTokensPerRound: 97,
    };
    await startJob(services.store, TEST_DEFAULTS, jobId, input);
    await recordFailure(services.store, jobId, EXECUTION_ABORTED, undefined, jobId, 0);
    const { result } = await runRound(services.store, services.callModel, jobId, 1, {
      executionName: jobId,
      redriveCount: 1,
    });
    expect([result.status, result.nextRound]).toEqual(['RUNNING', 2]);
    expect((await services.store.getJob(jobId))?.executionRedriveCount).toBe(1);
  });
});
