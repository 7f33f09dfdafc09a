import { describe, expect, it } from 'vitest';
import {
  countTokens,
  splitsSurrogatePair,
  takeTokens,
  tokenEnd,
} from '../../../local/bedrock-emulator/tokenizer';

describe('tokenizer', () => {
  it('cuts tokens of 1 to 5 code units, inside words and inside white-space runs', () => {
    const text = 'continuation         boundaries fall anywhere '.repeat(20);
    const lengths = new Set<number>();
    let cutInsideWord = false;
    let cutInsideSpaces = false;
    for (let p = 0; p < text.length; p = tokenEnd(text, p)) {
      const end = tokenEnd(text, p);
      lengths.add(end - p);
      const around = text.slice(end - 1, end + 1);
      if (/^\w\w$/.test(around)) cutInsideWord = true;
      if (around === '  ') cutInsideSpaces = true;
    }
    expect([...lengths].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(cutInsideWord).toBe(true);
    expect(cutInsideSpaces).toBe(true);
  });

  it('never ends a token between the halves of a surrogate pair', () => {
    const text = '👩‍💻👨‍👩‍👧🇯🇵😀'.repeat(50);
    for (let p = 0; p < text.length; p = tokenEnd(text, p)) {
      expect(splitsSurrogatePair(text, tokenEnd(text, p))).toBe(false);
    }
  });

  it('counts deterministically, and takeTokens agrees with countTokens', () => {
    const text = 'Hello, world. これは文書です。 🚀\n\n  indented';
    expect(countTokens(text)).toBe(countTokens(text));
    const all = takeTokens(text, 0, Number.POSITIVE_INFINITY);
    expect(all).toEqual({ end: text.length, tokens: countTokens(text) });
    expect(countTokens('')).toBe(0);
    const firstThree = takeTokens(text, 0, 3);
    expect(firstThree.tokens).toBe(3);
    expect(countTokens(text.slice(0, firstThree.end))).toBe(3);
  });
});
