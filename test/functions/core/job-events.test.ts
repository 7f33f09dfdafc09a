import { describe, expect, it } from 'vitest';
import { EVENT_SOURCE, JOB_COMPLETED, JOB_FAILED, jobEndedEvent } from '../../../functions/core/job-events';
import type { JobRecord } from '../../../functions/core/job-record';
import { runningJobRecord } from './job-record.fixture';

const ended = (overrides: Partial<JobRecord>): JobRecord => ({
  ...runningJobRecord('job-1'),
  nextRound: 4,
  documentCharacters: 1200,
  usage: { inputTokens: 30, outputTokens: 900 },
  ...overrides,
});

describe('jobEndedEvent', () => {
  it('announces a completed job with its counts, all four token counts and where its document is', () => {
    const document = { location: 's3://bucket/documents/job-1.md', sha256: 'ab'.repeat(32), bytes: 1250 };
    expect(EVENT_SOURCE).toBe('longform');
    expect(jobEndedEvent(ended({ status: 'COMPLETED', document }))).toEqual({
      detailType: JOB_COMPLETED,
      detail: {
        jobId: 'job-1',
        executionName: 'job-1',
        status: 'COMPLETED',
        rounds: 3,
        documentCharacters: 1200,
        usage: { inputTokens: 30, outputTokens: 900, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 },
        document,
      },
    });
  });

  it("announces any other end as failed, with the error's name and never its message", () => {
    const event = jobEndedEvent(
      ended({
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
    const job = { ...ended({ status: 'FAILED' }), executionName: 'job-1-resumed-2' };
    expect(jobEndedEvent(job)?.detail.executionName).toBe('job-1-resumed-2');
    expect(jobEndedEvent(ended({ status: 'RUNNING' }))).toBeUndefined();
    expect(jobEndedEvent(ended({ status: 'PENDING' }))).toBeUndefined();
  });
});
