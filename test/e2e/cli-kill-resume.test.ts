import { describe, expect, it } from 'vitest';
import { runCliKilledAndResumed, runCliPermanentFailureResumed } from '../../scenarios/cli-scenarios';

describe('longform CLI processes killed or failed mid-job, then resumed', () => {
  it('run and resume killed with SIGKILL mid-job; a last resume writes the exact document', async () => {
    const report = await runCliKilledAndResumed(1);
    expect(report.problems).toEqual([]);
    expect(report.faults['SIGKILL mid-job']).toBe(2);
    expect(report.exactJobs).toBe(1);
    expect(report.charactersLost + report.charactersDuplicated).toBe(0);
  });

  it('a job failed by AccessDeniedException completes exactly once access is granted and it is resumed', async () => {
    const report = await runCliPermanentFailureResumed();
    expect(report.problems).toEqual([]);
    expect(report.faults['access denied 403']).toBe(1);
    expect(report.exactJobs).toBe(1);
  });
});
