import { describe, expect, it } from 'vitest';
import { EVENT_SOURCE, JOB_COMPLETED, JOB_FAILED, jobEndedEvent } from '../../../functions/core/job-events';
import { DELIVERED_DOCUMENT, endedJobRecord } from './ended-job-record.fixture';

describe('jobEndedEvent', () => {
  it('announces a completed job with its counts, all four token counts and where its document is', () => {
    expect(EVENT_SOURCE).toBe('longform');
    expect(jobEndedEvent(endedJobRecord({ status: 'COMPLETED', document: DELIVERED_DOCUMENT }))).toEqual({
      detailType: JOB_COMPLETED,
      detail: {
        jobId: 'job-1',
        executionName: 'job-1',
        status: 'COMPLETED',
        rounds: 3,
        documentCharacters: 1200,
        usage: { inputTokens: 30, outputTokens: 900, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 },
        document: DELIVERED_DOCUMENT,
      },
    });
  });

  it("announces any other end as failed, with the error's name and never its message", () => {
    const event = jobEndedEvent(
      endedJobRecord({
        status: 'MAX_ROUNDS_REACHED',
        failure: { name: 'MaxRoundsReachedError', message: 'quotes input' },
      }),
    );
    expect(event?.detailType).toBe(JOB_FAILED);
    expect(event?.detail.error).toEqual({ name: 'MaxRoundsReachedError' });
    expect(JSON.stringify(event)).not.toContain('quotes input');
    expect(JSON.stringify(event)).not.toContain('prompt');
  });

  it('names the execution Initialize job stamped, and announces nothing for a job that has not ended', () => {
    const job = { ...endedJobRecord({ status: 'FAILED' }), executionName: 'job-1-resumed-2' };
    expect(jobEndedEvent(job)?.detail.executionName).toBe('job-1-resumed-2');
    expect(jobEndedEvent(endedJobRecord({ status: 'RUNNING' }))).toBeUndefined();
    expect(jobEndedEvent(endedJobRecord({ status: 'PENDING' }))).toBeUndefined();
  });
});
