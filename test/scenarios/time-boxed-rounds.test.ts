import { describe, expect, it } from 'vitest';
import { runStreamFaults, runTimeBoxedRounds } from '../../scenarios/time-boxed-rounds';

describe('time-boxed rounds on the real definition', () => {
  it('cuts every round but the last by time on both APIs and strategies, and writes the untimed document', async () => {
    const { report, rows } = await runTimeBoxedRounds({
      documentTokens: 500,
      latencyPerTokenMs: 2,
      roundTimeoutSeconds: 1,
      maxTokensPerRound: 20_000,
    });
    expect(report.problems).toEqual([]);
    expect(report.exactJobs).toBe(4);
    expect(rows.map((row) => row.identical)).toEqual([true, true, true, true]);
    for (const row of rows) {
      expect(row.rounds).toBeGreaterThan(1);
      expect(row.cutByTime).toBeGreaterThanOrEqual(row.rounds - 1);
      // Far fewer tokens arrived per round than the 20,000 asked for.
      expect(row.tokensPerRound[1]).toBeLessThan(1_000);
    }
  });

  it('loses and duplicates nothing when streams are throttled or dropped part-way, kept or retried', async () => {
    const { report, keptFailedStreams } = await runStreamFaults({
      seeds: 1,
      jobsPerSeed: 8,
      documentTokens: 2000,
      maxTokensPerRound: 20_000,
      latencyPerTokenMs: 1,
      roundTimeoutSeconds: 2,
      faultRate: 0.3,
    });
    expect(report.problems).toEqual([]);
    expect(report.exactJobs).toBe(8);
    expect(report.charactersLost + report.charactersDuplicated).toBe(0);
    expect(report.faults['throttle 429 inside a stream'] ?? 0).toBeGreaterThan(0);
    expect(report.faults['dropped connection inside a stream'] ?? 0).toBeGreaterThan(0);
    expect(keptFailedStreams).toBeGreaterThan(0);
  });
});
