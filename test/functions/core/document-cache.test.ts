import { describe, expect, it } from 'vitest';
import { DocumentCache } from '../../../functions/core/document-cache';
import type { JobRecord } from '../../../functions/core/job-record';
import { runningJobRecord } from './job-record.fixture';

const job = (
  jobId: string,
  nextRound: number,
  documentCharacters: number,
  createdAt = 'then',
): JobRecord => ({
  ...runningJobRecord(jobId, { continuation: 'prefill', createdAt }),
  nextRound,
  documentCharacters,
});

describe('DocumentCache', () => {
  it('is usable at META’s round only when as long as META says', () => {
    const cache = new DocumentCache();
    cache.keep(job('a', 3, 5), { round: 2, text: 'hello' });
    expect(cache.usable(job('a', 3, 5))).toEqual({ round: 2, text: 'hello' });
    expect(cache.usable(job('a', 3, 6))).toBeUndefined();
    // Dropped, not just refused.
    expect(cache.usable(job('a', 3, 5))).toBeUndefined();
    expect(cache.characters).toBe(0);
  });

  it('is usable behind META (the rounds it lacks are read), never ahead of it or for another incarnation', () => {
    const cache = new DocumentCache();
    cache.keep(job('a', 3, 5), { round: 2, text: 'hello' });
    expect(cache.usable(job('a', 7, 50))).toEqual({ round: 2, text: 'hello' });
    expect(cache.usable(job('a', 7, 50, 'later'))).toBeUndefined();
    cache.keep(job('b', 5, 5), { round: 4, text: 'hello' });
    expect(cache.usable(job('b', 4, 3))).toBeUndefined();
  });

  it('keeps the later of two documents of a job', () => {
    const cache = new DocumentCache();
    cache.keep(job('a', 5, 9), { round: 4, text: 'four' });
    cache.keep(job('a', 4, 5), { round: 3, text: 'three' });
    expect(cache.usable(job('a', 5, 4))).toEqual({ round: 4, text: 'four' });
    expect(cache.characters).toBe(4);
  });

  it('evicts the least recently used documents once the total passes its bound, and keeps none above it', () => {
    const cache = new DocumentCache(10);
    cache.keep(job('a', 2, 4), { round: 1, text: 'aaaa' });
    cache.keep(job('b', 2, 4), { round: 1, text: 'bbbb' });
    expect(cache.usable(job('a', 2, 4))).toBeDefined();
    cache.keep(job('c', 2, 4), { round: 1, text: 'cccc' });
    expect(cache.usable(job('b', 2, 4))).toBeUndefined();
    expect(cache.usable(job('a', 2, 4))).toBeDefined();
    expect(cache.usable(job('c', 2, 4))).toBeDefined();
    expect(cache.characters).toBe(8);
    cache.keep(job('d', 2, 11), { round: 1, text: 'd'.repeat(11) });
    expect(cache.usable(job('d', 2, 11))).toBeUndefined();
    expect(cache.characters).toBe(8);
  });
});
