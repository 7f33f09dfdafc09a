import { describe, expect, it } from 'vitest';
import {
  cutAtCodePoint,
  KEEP_FAILED_STREAM_SHARE,
  keepsFailedStream,
  roundTimeBudget,
} from '../../../functions/core/round-time-budget';

describe('roundTimeBudget', () => {
  it('keeps 20 s for the writes of a 15-minute round, and a quarter of a short one', () => {
    expect(roundTimeBudget(900_000)).toEqual({ cutAfterMs: 880_000, keepFailedAfterMs: 440_000 });
    expect(roundTimeBudget(3_000)).toEqual({ cutAfterMs: 2_250, keepFailedAfterMs: 1_125 });
    expect(roundTimeBudget(80_000).cutAfterMs).toBe(60_000);
    expect(roundTimeBudget(0)).toEqual({ cutAfterMs: 0, keepFailedAfterMs: 0 });
  });
});

describe('keepsFailedStream', () => {
  const budget = roundTimeBudget(900_000);
  it(`keeps a failed stream's text only past ${KEEP_FAILED_STREAM_SHARE * 100} % of the budget`, () => {
    expect(keepsFailedStream(budget, 439_999, 'some text')).toBe(false);
    expect(keepsFailedStream(budget, 440_000, 'some text')).toBe(true);
  });
  it('never keeps text that would not move the document', () => {
    expect(keepsFailedStream(budget, 800_000, '')).toBe(false);
    expect(keepsFailedStream(budget, 800_000, ' \n ')).toBe(false);
  });
});

describe('cutAtCodePoint', () => {
  it('drops a high surrogate left alone at the end, and nothing else', () => {
    const emoji = '🙂';
    expect(cutAtCodePoint(`ab${emoji[0]}`)).toBe('ab');
    expect(cutAtCodePoint(`ab${emoji}`)).toBe(`ab${emoji}`);
    expect(cutAtCodePoint('中文')).toBe('中文');
    expect(cutAtCodePoint('')).toBe('');
  });
});
