import { describe, expect, it } from 'vitest';
import { instructionQuirks } from '../../../local/bedrock-emulator/instruction-quirks';

const SENT =
  '## Setup\n\nInstall the tool first.\n\n```sh\nnpm install longform\nnpx longform run \n  --out guide';
const UPCOMING = ' now\n```';

function effect(rates: Parameters<typeof instructionQuirks>[0], key = 'request') {
  return instructionQuirks(rates, SENT, UPCOMING, key);
}

describe('instructionQuirks', () => {
  it('does nothing at zero rates', () => {
    expect(effect({ seed: 1 })).toEqual({ prefix: '', skip: 0 });
  });

  it('repeats the cut word, the cut line or an overlap from the end of the sent text', () => {
    expect(effect({ wordRestartRate: 1 }).prefix).toBe('guide');
    expect(effect({ lineRestartRate: 1 }).prefix).toBe('  --out guide');
    const overlap = effect({ overlapRate: 1 }).prefix;
    expect(overlap.length).toBeGreaterThanOrEqual(20);
    expect(overlap.length).toBeLessThanOrEqual(200);
    expect(SENT.endsWith(overlap)).toBe(true);
  });

  it('drops the white space that should come first, or the indentation of a restarted line', () => {
    expect(effect({ wsDropRate: 1 })).toEqual({ prefix: '', skip: 1 });
    expect(effect({ wsDropRate: 1, lineRestartRate: 1 }).prefix).toBe('--out guide');
  });

  it('reopens the code fence the sent text left open, and no other', () => {
    expect(effect({ fenceRate: 1 }).prefix).toBe('```sh\n');
    expect(instructionQuirks({ fenceRate: 1 }, 'no fence here', '', 'request').prefix).toBe('');
    expect(instructionQuirks({ fenceRate: 1 }, '```ts\nx\n```\nafter', '', 'request').prefix).toBe('');
  });

  it('opens with one line of chatter and a blank line, worded many ways', () => {
    const wordings = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { prefix } = effect({ preambleRate: 1 }, `request ${i}`);
      expect(prefix).toMatch(/^[^\r\n]+\r?\n(?:\r?\n)+$/);
      wordings.add(prefix.trim());
    }
    expect(wordings.size).toBeGreaterThan(100);
  });

  it('keeps to at most maxPerAnswer behaviours, and replays exactly per seed and request', () => {
    const all = { preambleRate: 1, fenceRate: 1, wordRestartRate: 1, leadingWhitespaceRate: 1 };
    const two = effect({ ...all, maxPerAnswer: 2 });
    expect(two.prefix).not.toContain('```');
    expect(effect({ ...all, maxPerAnswer: 2 })).toEqual(two);
    expect(effect({ ...all, seed: 5 }, 'other')).not.toEqual(effect({ ...all, seed: 6 }, 'other'));
  });
});
