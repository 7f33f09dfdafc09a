import { describe, expect, it } from 'vitest';
import { manifestItems, unparsableLine } from '../../local/batch-manifest';

describe('manifestItems', () => {
  it('gives each line its JSON value, in order, without an item for the final newline', () => {
    expect(manifestItems('{"prompt":"a"}\n{"prompt":"b","jobId":"x"}\r\n42\n')).toEqual([
      { prompt: 'a' },
      { prompt: 'b', jobId: 'x' },
      42,
    ]);
    expect(manifestItems('{"prompt":"a"}')).toEqual([{ prompt: 'a' }]);
  });

  it('keeps a line that is not JSON as an item of its own, which names the line', () => {
    const items = manifestItems('{"prompt":"a"}\nnot json\n\n');
    expect(items).toHaveLength(3);
    expect(unparsableLine(items[0])).toBeUndefined();
    expect(unparsableLine(items[1])).toMatch(/^line 2 is not JSON \(/);
    expect(unparsableLine(items[2])).toMatch(/^line 3 is not JSON/);
  });

  it('recognizes only its own marker as a bad line', () => {
    expect(unparsableLine({ prompt: 'line 2 is not JSON' })).toBeUndefined();
    expect(unparsableLine(null)).toBeUndefined();
    expect(unparsableLine('text')).toBeUndefined();
  });
});
