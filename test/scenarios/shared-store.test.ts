import { describe, expect, it } from 'vitest';
import { runConcurrentJobs, runSameJobTwice } from '../../scenarios/shared-store';

describe('one local store shared by executions', () => {
  it('the same job id started twice (racing, after completion, with other input) is one job', async () => {
    const report = await runSameJobTwice();
    expect(report.problems).toEqual([]);
    expect(report.jobs).toBe(4);
    expect(report.exactJobs).toBe(4);
  });

  it('50 concurrent jobs end with their own exact documents', async () => {
    const report = await runConcurrentJobs({ jobs: 50, documentTokens: 300, maxTokensPerRound: 100 });
    expect(report.problems).toEqual([]);
    expect(report.jobs).toBe(50);
    expect(report.exactJobs).toBe(50);
    expect(report.charactersLost + report.charactersDuplicated).toBe(0);
  });
});
