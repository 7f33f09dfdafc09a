import { describe, expect, it } from 'vitest';
import { BURSTS, runFaultStorm, THROTTLE_30, THROTTLE_60 } from '../../scenarios/fault-storms';

describe('fault storms on the real definition, retries shortened', () => {
  it.each([
    ['throttling 30 %', THROTTLE_30, ['throttle 429']],
    ['throttling 60 %', THROTTLE_60, ['throttle 429']],
    [
      'bursts of 503/500/408 and dropped connections',
      BURSTS,
      ['unavailable 503', 'internal 500', 'model timeout 408', 'dropped connection'],
    ],
  ] as const)('%s: every job ends with its exact document', async (scenario, faults, kinds) => {
    const report = await runFaultStorm({
      scenario,
      faults,
      jobs: 4,
      documentTokens: 700,
      maxTokensPerRound: 120,
    });
    expect(report.problems).toEqual([]);
    expect(report.jobs).toBe(4);
    expect(report.exactJobs).toBe(4);
    expect(report.charactersLost).toBe(0);
    expect(report.charactersDuplicated).toBe(0);
    // Rounds stream, so a fault strikes before the stream or inside it: either counts.
    for (const kind of kinds) {
      const injected = (report.faults[kind] ?? 0) + (report.faults[`${kind} inside a stream`] ?? 0);
      expect(injected).toBeGreaterThan(0);
    }
  });
});
