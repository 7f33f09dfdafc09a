import { describe, expect, it } from 'vitest';
import { runLargeInputs } from '../../scenarios/large-inputs';

describe('inputs near the limits', () => {
  it('a prompt near 256 KiB (stored first) and a long document over many rounds end exact', async () => {
    const report = await runLargeInputs({ documentTokens: 150_000, maxTokensPerRound: 12_000 });
    expect(report.problems).toEqual([]);
    expect(report.jobs).toBe(3);
    expect(report.exactJobs).toBe(3);
    expect(report.charactersCompared).toBeGreaterThan(450_000);
  });
});
