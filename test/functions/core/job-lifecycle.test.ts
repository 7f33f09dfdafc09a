import { describe, expect, it } from 'vitest';
import {
  advanceTransition,
  announcedTransition,
  claimRunTransition,
  deliveredTransition,
  failTransition,
  isLaterRun,
  nextStep,
  planRound,
  reopenTransition,
  stampExecutionTransition,
} from '../../../functions/core/job-lifecycle';
import type { JobRecord } from '../../../functions/core/job-record';
import type { JobStatus } from '../../../functions/core/job-status';
import type { RoundRecord } from '../../../functions/core/round-record';
import type { RoundDecision } from '../../../functions/core/stop-reason-policy';
import { runningJobRecord } from './job-record.fixture';

const AT = '2026-01-01T00:00:00.000Z';
const job = (status: JobStatus, nextRound: number): JobRecord => ({
  ...runningJobRecord('job-1', { createdAt: AT }),
  status,
  nextRound,
  usage: { inputTokens: 10, outputTokens: 20 },
});

const round = (decision: RoundDecision): RoundRecord => ({
  round: 3,
  text: 'text',
  strategy: 'prefill',
  seam: { keepPrevious: 0, chunkFrom: 0, chunkTo: 4 },
  stopReason: 'max_tokens',
  usage: { inputTokens: 1, outputTokens: 2, cacheReadInputTokens: 300, cacheWriteInputTokens: 40 },
  latencyMs: 5,
  documentCharacters: 40,
  decision,
  createdAt: AT,
});

describe('planRound', () => {
  it.each([
    ['RUNNING', 3, 'run'],
    ['FAILED', 3, 'reopen'],
    ['RUNNING', 4, 'report'],
    ['COMPLETED', 3, 'report'],
    ['FAILED', 4, 'report'],
    ['PENDING', 3, 'report'],
    ['RUNNING', 2, 'stale'],
  ] as const)('a %s job at round %i, asked for round 3: %s', (status, nextRound, plan) => {
    expect(planRound(job(status, nextRound), 3)).toBe(plan);
  });
});

describe('advanceTransition', () => {
  it('a round that continues keeps the job RUNNING at the next round, sums usage and clears lastError', () => {
    const transition = advanceTransition(
      job('RUNNING', 3),
      round({ next: 'continue', noProgressRounds: 1 }),
      AT,
    );
    expect(transition.set).toMatchObject({
      nextRound: 4,
      status: 'RUNNING',
      documentCharacters: 40,
      noProgressRounds: 1,
      usage: { inputTokens: 11, outputTokens: 22, cacheReadInputTokens: 300, cacheWriteInputTokens: 40 },
    });
    expect(transition.set.failure).toBeUndefined();
    expect(transition.remove).toEqual(['lastError']);
    expect(transition.when).toEqual({ status: ['RUNNING'], atRound: 3 });
  });

  it("a round that finishes gives the job the decision's status and failure", () => {
    const failure = { name: 'MaxRoundsReachedError', message: 'limit' };
    const transition = advanceTransition(
      job('RUNNING', 3),
      round({ next: 'finish', status: 'MAX_ROUNDS_REACHED', noProgressRounds: 0, failure }),
      AT,
    );
    expect(transition.set.status).toBe('MAX_ROUNDS_REACHED');
    expect(transition.set.failure).toEqual(failure);
  });
});

describe('nextStep', () => {
  it.each([
    ['RUNNING', 'continue'],
    ['COMPLETED', 'finish'],
    ['MAX_ROUNDS_REACHED', 'finish'],
    ['CONTEXT_FULL', 'finish'],
    ['FAILED', 'finish'],
  ] as const)('%s: %s', (status, step) => {
    expect(nextStep(job(status, 2))).toBe(step);
  });
});

describe('guards', () => {
  it('a failure at a round applies only while the job is running or pending at that round', () => {
    const failure = { name: 'E', message: 'm' };
    expect(failTransition(failure, AT, 3).when).toEqual({ status: ['RUNNING', 'PENDING'], atRound: 3 });
    expect(failTransition(failure, AT).when).toEqual({ status: ['RUNNING', 'PENDING'] });
  });

  it("an execution's end fails the job only while that run of it, or an earlier one, runs the job", () => {
    const failure = { name: 'E', message: 'm' };
    expect(failTransition(failure, AT, undefined, { executionName: 'job-1', redriveCount: 2 }).when).toEqual({
      status: ['RUNNING', 'PENDING'],
      execution: { name: 'job-1', redrivesAtMost: 2 },
    });
    // A redrive claims the job only from an earlier run, whatever its status (a FAILED job is reopened).
    expect(claimRunTransition({ executionName: 'job-1', redriveCount: 2 }, AT)).toEqual({
      set: { executionRedriveCount: 2, updatedAt: AT },
      when: { execution: { name: 'job-1', redrivesBelow: 2 } },
    });
  });

  it("a new execution of the job starts at its own redrive count, so its ends are not taken for an earlier run's", () => {
    expect(stampExecutionTransition('job-1-resume-1', AT).set).toEqual({
      executionName: 'job-1-resume-1',
      executionRedriveCount: 0,
      updatedAt: AT,
    });
  });

  it('a run claims the job when it is a later run of the execution META records', () => {
    const first = job('RUNNING', 2);
    expect(isLaterRun(first, { executionName: 'job-1', redriveCount: 0 })).toBe(false);
    expect(isLaterRun(first, { executionName: 'job-1', redriveCount: 1 })).toBe(true);
    expect(isLaterRun(first, { executionName: 'job-1-resume-1', redriveCount: 1 })).toBe(false);
    const claimed = { ...first, executionRedriveCount: 1 };
    expect(isLaterRun(claimed, { executionName: 'job-1', redriveCount: 1 })).toBe(false);
    expect(isLaterRun(claimed, { executionName: 'job-1', redriveCount: 2 })).toBe(true);
  });

  it("an end's announcement is recorded once, and only while the job is still at that end", () => {
    expect(announcedTransition('2026-01-01T00:00:01.000Z', AT)).toEqual({
      set: { announcedEnd: '2026-01-01T00:00:01.000Z', updatedAt: AT },
      when: { unannouncedEnd: '2026-01-01T00:00:01.000Z' },
    });
  });

  it('reopening applies to FAILED jobs only and removes the failure, the end stamp and the delivered document', () => {
    expect(reopenTransition(AT)).toMatchObject({
      set: { status: 'RUNNING' },
      remove: ['failure', 'finishedAt', 'document'],
      when: { status: ['FAILED'] },
    });
  });

  it('the delivered document is stamped once per end, only on a job that ended', () => {
    const document = { location: '/data/documents/job-1.md', sha256: 'ab', bytes: 3 };
    const transition = deliveredTransition(document, AT);
    expect(transition.setIfAbsent).toEqual({ document });
    expect(transition.set).toEqual({ updatedAt: AT });
    expect(transition.when.status).toEqual([
      'COMPLETED',
      'CONTEXT_FULL',
      'BLOCKED',
      'MAX_ROUNDS_REACHED',
      'FAILED',
    ]);
    // The stamp of an earlier end (a job re-opened by a path that kept it) is replaced.
    expect(deliveredTransition(document, AT, true)).toMatchObject({ set: { document, updatedAt: AT } });
    expect(deliveredTransition(document, AT, true)).not.toHaveProperty('setIfAbsent');
  });
});
