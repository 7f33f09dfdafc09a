import { describe, expect, it } from 'vitest';
import {
  JobAlreadyCompletedError,
  JobNotResumableError,
  nextExecutionName,
  planResume,
  type ResumeFacts,
} from '../../client/resume-plan';
import { JobNotFoundError } from '../../functions/core/errors';
import { REDRIVE_PERIOD_MS } from '../../functions/core/execution-limits';
import { MAX_JOB_ID_LENGTH, validateJobId } from '../../functions/core/job-reference';

const NOW = new Date('2026-12-01T12:00:00Z');
const failed: ResumeFacts = {
  jobId: 'tide-pools',
  executionName: 'tide-pools',
  jobStatus: 'FAILED',
  executionStatus: 'FAILED',
  stopDate: new Date(NOW.getTime() - 3_600_000),
  failedAtFailState: false,
};

describe('planResume', () => {
  it('redrives an unsuccessful execution that failed on a step within 14 days', () => {
    expect(planResume(failed, NOW)).toEqual({ action: 'redrive' });
    expect(planResume({ ...failed, executionStatus: 'TIMED_OUT' }, NOW)).toEqual({ action: 'redrive' });
    expect(planResume({ ...failed, jobStatus: 'RUNNING', executionStatus: 'ABORTED' }, NOW)).toEqual({
      action: 'redrive',
    });
  });

  it('starts a new execution when a redrive would only fail again, is too late, or is refused', () => {
    const next = { action: 'start', executionName: 'tide-pools-resume-1' };
    expect(planResume({ ...failed, failedAtFailState: true }, NOW)).toEqual(next);
    const late = new Date(NOW.getTime() - REDRIVE_PERIOD_MS - 1);
    expect(planResume({ ...failed, stopDate: late }, NOW)).toEqual(next);
    expect(planResume({ ...failed, redriveStatus: 'NOT_REDRIVABLE' }, NOW)).toEqual(next);
    expect(
      planResume({ ...failed, executionName: 'tide-pools-resume-1', failedAtFailState: true }, NOW),
    ).toEqual({ action: 'start', executionName: 'tide-pools-resume-2' });
  });

  it('starts the first execution of a stored job that never ran, under its own name', () => {
    const { executionStatus: _none, stopDate: _stop, ...stored } = failed;
    expect(planResume({ ...stored, jobStatus: 'PENDING' }, NOW)).toEqual({
      action: 'start',
      executionName: 'tide-pools',
    });
  });

  it('refuses a completed job, a running one, one that ended for good, and one never stored', () => {
    expect(() =>
      planResume({ ...failed, jobStatus: 'COMPLETED', executionStatus: 'SUCCEEDED' }, NOW),
    ).toThrow(JobAlreadyCompletedError);
    expect(() => planResume({ ...failed, jobStatus: 'COMPLETED' }, NOW)).toThrow(/already COMPLETED/);
    expect(() => planResume({ ...failed, jobStatus: 'RUNNING', executionStatus: 'RUNNING' }, NOW)).toThrow(
      JobNotResumableError,
    );
    expect(() =>
      planResume({ ...failed, jobStatus: 'MAX_ROUNDS_REACHED', failedAtFailState: true }, NOW),
    ).toThrow(/ended MAX_ROUNDS_REACHED/);
    const { jobStatus: _none, ...refused } = failed;
    expect(() => planResume({ ...refused, failedAtFailState: true }, NOW)).toThrow(JobNotFoundError);
  });
});

describe('nextExecutionName', () => {
  it('numbers the executions after the first, which is the job id', () => {
    expect(nextExecutionName('tide-pools', 'tide-pools')).toBe('tide-pools-resume-1');
    expect(nextExecutionName('tide-pools', 'tide-pools-resume-9')).toBe('tide-pools-resume-10');
    expect(nextExecutionName('a-resume-3', 'a-resume-3')).toBe('a-resume-3-resume-1');
  });

  it('keeps names valid and unique for the longest job ids', () => {
    const a = `${'a'.repeat(MAX_JOB_ID_LENGTH - 1)}1`;
    const b = `${'a'.repeat(MAX_JOB_ID_LENGTH - 1)}2`;
    const [nameA, nameB] = [nextExecutionName(a, a), nextExecutionName(b, b)];
    expect(nameA).not.toBe(nameB);
    for (const name of [nameA, nameB]) {
      expect(name).toHaveLength(MAX_JOB_ID_LENGTH);
      expect(validateJobId(name)).toBe(name);
      expect(name).toMatch(/-resume-1$/);
    }
    expect(nextExecutionName(a, nameA)).toMatch(/^a+-[0-9a-f]{8}-resume-2$/);
  });
});
