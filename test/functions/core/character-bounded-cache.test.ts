import { describe, expect, it } from 'vitest';
import { CharacterBoundedCache } from '../../../functions/core/character-bounded-cache';

describe('CharacterBoundedCache', () => {
  it('drops the least recently used entries once the characters pass the bound', () => {
    const cache = new CharacterBoundedCache<string>(10);
    cache.keep('a', 'first', 4);
    cache.keep('b', 'second', 4);
    expect(cache.touch('a')).toBe('first'); // now b is the least recently used
    cache.keep('c', 'third', 4);
    expect(cache.peek('b')).toBeUndefined();
    expect([cache.peek('a'), cache.peek('c')]).toEqual(['first', 'third']);
    expect(cache.characters).toBe(8);
  });

  it('replaces an entry under the same key, forgets on request, and never keeps one over the bound', () => {
    const cache = new CharacterBoundedCache<string>(10);
    cache.keep('a', 'old', 6);
    cache.keep('a', 'new', 3);
    expect([cache.peek('a'), cache.characters]).toEqual(['new', 3]);
    cache.keep('b', 'too big', 11);
    expect([cache.peek('b'), cache.peek('a'), cache.characters]).toEqual([undefined, 'new', 3]);
    cache.forget('a');
    expect([cache.touch('a'), cache.characters]).toEqual([undefined, 0]);
  });

  it('peek does not mark an entry used; touch does', () => {
    const cache = new CharacterBoundedCache<number>(2);
    cache.keep('a', 1, 1);
    cache.keep('b', 2, 1);
    cache.peek('a');
    cache.keep('c', 3, 1);
    expect(cache.peek('a')).toBeUndefined();
    cache.touch('b');
    cache.keep('d', 4, 1);
    expect([cache.peek('b'), cache.peek('c'), cache.peek('d')]).toEqual([2, undefined, 4]);
  });
});
