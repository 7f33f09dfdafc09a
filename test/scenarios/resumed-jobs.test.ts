import { describe, expect, it } from 'vitest';
import { runAbortedExecutions, runPermanentFailureResumed } from '../../scenarios/resumed-jobs';

describe('jobs resumed after their execution stopped', () => {
  it('executions aborted at seeded points and resumed end with exact documents', async () => {
    const report = await runAbortedExecutions({ seeds: 4, documentTokens: 600, maxTokensPerRound: 100 });
    expect(report.problems).toEqual([]);
    expect(report.jobs).toBe(4);
    expect(report.exactJobs).toBe(4);
    expect(report.charactersLost + report.charactersDuplicated).toBe(0);
    expect(report.faults['execution aborted'] ?? 0).toBeGreaterThanOrEqual(4);
  });

  it('a job failed by a permanent Bedrock error mid-way completes exactly once resumed', async () => {
    const report = await runPermanentFailureResumed(['AccessDeniedException', 'ValidationException'], 3);
    expect(report.problems).toEqual([]);
    expect(report.jobs).toBe(2);
    expect(report.exactJobs).toBe(2);
    expect(report.faults).toEqual({ 'access denied 403': 1, 'validation 400': 1 });
  });
});
