import { describe, expect, it } from 'vitest';
import { KILL_POINTS, runInterruptedRounds } from '../../scenarios/interrupted-rounds';

describe('round attempts killed at each point, many seeded times', () => {
  it('loses and duplicates nothing, and calls Bedrock again only when the round was not stored', async () => {
    const report = await runInterruptedRounds({
      seeds: 32,
      documentTokens: 500,
      maxTokensPerRound: 110,
      killRate: 0.6,
    });
    expect(report.problems).toEqual([]);
    expect(report.jobs).toBe(32);
    expect(report.exactJobs).toBe(32);
    expect(report.charactersLost).toBe(0);
    expect(report.charactersDuplicated).toBe(0);
    for (const point of KILL_POINTS) expect(report.faults[point] ?? 0).toBeGreaterThan(2);
    expect(report.faults['two attempts of a round at once'] ?? 0).toBeGreaterThan(0);
  });

  it('loses and duplicates nothing when the rounds killed are cut by their time budget', async () => {
    // Documents of several 300-token time budgets (400 ms rounds at 1 ms a token), so rounds are cut by
    // time however fast the machine is.
    const report = await runInterruptedRounds({
      seeds: 4,
      documentTokens: 800,
      maxTokensPerRound: 20_000,
      killRate: 0.6,
      timeBox: { latencyPerTokenMs: 1, roundTimeoutMs: 400 },
    });
    expect(report.problems).toEqual([]);
    expect(report.exactJobs).toBe(4);
    expect(report.charactersLost + report.charactersDuplicated).toBe(0);
    expect(Object.values(report.faults).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(3);
    const cut = Number(/(\d+) rounds cut by time/.exec(report.notes.join('\n'))?.[1]);
    expect(cut).toBeGreaterThan(4);
  });
});
