import { describe, expect, it } from 'vitest';
import { splitUtf8, utf8Length } from '../../../functions/core/utf8';

const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('splitUtf8', () => {
  const samples = [
    '',
    'plain ascii text',
    'naïve café — “quotes”',
    '日本語のテキスト',
    '👩‍💻 and 👨‍👩‍👧 emoji',
    'a\u00a0b\r\nc\t',
  ];

  it.each(samples)('joins back exactly and respects the byte limit: %j', (sample) => {
    const text = sample.repeat(37);
    for (const maxBytes of [4, 5, 7, 16, 100]) {
      const pieces = splitUtf8(text, maxBytes);
      expect(pieces.join('')).toBe(text);
      for (const piece of pieces) {
        expect(utf8Bytes(piece)).toBeLessThanOrEqual(maxBytes);
        // A piece must encode and decode to itself: no lone surrogate at either end.
        expect(Buffer.from(piece, 'utf8').toString('utf8')).toBe(piece);
      }
    }
  });

  it('fills pieces up to the limit rather than splitting early', () => {
    expect(splitUtf8('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(splitUtf8('ééé', 4)).toEqual(['éé', 'é']);
  });

  it('refuses a limit smaller than one code point', () => {
    expect(() => splitUtf8('x', 3)).toThrow(RangeError);
  });
});

describe('utf8Length', () => {
  it.each([
    '',
    'plain ascii text',
    'naïve café — “quotes”',
    '日本語のテキスト',
    '👩‍💻 and 👨‍👩‍👧 emoji',
    'lone \ud800 high and \udc00 low surrogates',
  ])('counts what a UTF-8 encoder writes: %j', (text) => {
    expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
  });
});
