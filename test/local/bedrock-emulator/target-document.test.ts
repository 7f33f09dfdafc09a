import { describe, expect, it } from 'vitest';
import { documentTokensDirective, targetDocument } from '../../../local/bedrock-emulator/target-document';
import { countTokens } from '../../../local/bedrock-emulator/tokenizer';

describe('targetDocument', () => {
  it('is a pure function of system and first user prompt', () => {
    const a = targetDocument({ system: 'S', prompt: 'Write a guide' });
    expect(targetDocument({ system: 'S', prompt: 'Write a guide' })).toBe(a);
    expect(targetDocument({ system: 'T', prompt: 'Write a guide' })).not.toBe(a);
    expect(targetDocument({ system: 'S', prompt: 'Write a guide!' })).not.toBe(a);
  });

  it('contains the markdown and Unicode features continuation code must survive', () => {
    const doc = targetDocument({ prompt: 'features [emulator:tokens=20000]' });
    expect(doc).toMatch(/^# \S/);
    expect(doc).toMatch(/\n## \S/);
    expect(doc).toMatch(/\n- \S/);
    expect(doc).toMatch(/\n1\. \S/);
    expect(doc).toMatch(/\n {4}const /);
    expect(doc).toMatch(/\n\tconst /);
    expect(doc).toMatch(/\n\| --- \| --- \|/);
    expect(doc).toMatch(/[\u3040-\u30ff]/);
    expect(doc).toMatch(/[\u4e00-\u9fff]/);
    expect(doc).toContain('👩‍💻');
    expect(doc).toContain('👨‍👩‍👧');
    expect(doc).toMatch(/\S {3}\S/);
    expect(doc).toMatch(/ {2}\n/);
    expect(doc).toContain('\n\n\n\n');
    expect(doc).toContain('\r\n');
    expect(doc).toContain('\u00a0');
  });

  it('keeps white-space runs under 16 code units so a prefill loop can always pass them', () => {
    for (const prompt of ['a [emulator:tokens=50000]', 'b [emulator:tokens=50000]']) {
      const runs = targetDocument({ prompt }).match(/\s+/g) ?? [];
      expect(Math.max(...runs.map((run) => run.length))).toBeLessThan(16);
    }
  });

  it('honours the [emulator:tokens=N] directive (about N tokens) and the default length', () => {
    for (const n of [50, 300, 5000, 120000]) {
      const tokens = countTokens(targetDocument({ prompt: `Write. [emulator:tokens=${n}]` }));
      expect(tokens).toBeGreaterThanOrEqual(n * 0.9);
      expect(tokens).toBeLessThanOrEqual(n * 1.1 + 60);
    }
    const byDefault = countTokens(targetDocument({ prompt: 'no directive' }));
    expect(byDefault).toBeGreaterThan(1500 * 0.9);
    expect(byDefault).toBeLessThan(1500 * 1.1 + 60);
    expect(countTokens(targetDocument({ prompt: 'short', defaultTokens: 200 }))).toBeLessThan(300);
  });

  it('clamps the directive to 50..950000', () => {
    expect(documentTokensDirective('[emulator:tokens=3]')).toBe(50);
    expect(documentTokensDirective('[emulator:tokens=9999999]')).toBe(950_000);
    expect(documentTokensDirective('none')).toBeUndefined();
  });

  it('generates a 500k-token document', () => {
    const doc = targetDocument({ prompt: 'huge [emulator:tokens=500000]' });
    expect(countTokens(doc)).toBeGreaterThan(450_000);
  });
});
