import { describe, expect, it } from 'vitest';
import { ConfigCache } from '../../../functions/core/config-cache';

const text = (prompt: string) => ({ messages: [{ role: 'user' as const, text: prompt }] });

describe('ConfigCache', () => {
  it('gives a kept text back only for the attempt that stored it, and drops it for another', () => {
    const cache = new ConfigCache();
    cache.keep('job', 'a1', text('first'), 100);
    expect(cache.get('job', 'a1')).toEqual(text('first'));
    expect(cache.get('job', 'b2')).toBeUndefined();
    expect(cache.get('job', 'a1')).toBeUndefined();
    expect(cache.characters).toBe(0);
  });

  it('holds at most its bound: the least recently used text goes first, and a text over the bound is not kept', () => {
    const cache = new ConfigCache(250);
    cache.keep('one', 'a', text('1'), 100);
    cache.keep('two', 'a', text('2'), 100);
    cache.get('one', 'a');
    cache.keep('three', 'a', text('3'), 100);
    expect(cache.get('two', 'a')).toBeUndefined();
    expect(cache.get('one', 'a')).toEqual(text('1'));
    expect(cache.get('three', 'a')).toEqual(text('3'));
    expect(cache.characters).toBe(200);
    cache.keep('one', 'b', text('huge'), 300);
    expect(cache.get('one', 'b')).toBeUndefined();
    expect(cache.characters).toBe(100);
  });
});
