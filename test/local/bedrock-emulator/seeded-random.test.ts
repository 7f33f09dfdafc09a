import { describe, expect, it } from 'vitest';
import { createRandom, hashString, mix32 } from '../../../local/bedrock-emulator/seeded-random';

const draws = (seed: number, count: number) => {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => random.next());
};

const popcount = (value: number) => value.toString(2).replaceAll('0', '').length;

describe('seeded random', () => {
  it('replays the same sequence for a seed, and another sequence for another seed', () => {
    expect(draws(42, 50)).toEqual(draws(42, 50));
    expect(draws(42, 50)).not.toEqual(draws(43, 50));
    for (const value of draws(7, 1000)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('int draws every value of its inclusive range about equally often', () => {
    const random = createRandom(3);
    const counts = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const value = random.int(-2, 7);
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3, 4, 5, 6, 7]);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(800);
      expect(count).toBeLessThan(1200);
    }
  });

  it('pick returns each element of the list', () => {
    const random = createRandom(11);
    const items = ['a', 'b', 'c'] as const;
    const picked = new Set(Array.from({ length: 200 }, () => random.pick(items)));
    expect([...picked].sort()).toEqual(['a', 'b', 'c']);
  });

  it('hashString is a deterministic unsigned 32-bit hash that tells near texts apart', () => {
    expect(hashString('tide pools')).toBe(hashString('tide pools'));
    const texts = ['', 'a', 'b', 'ab', 'ba', 'tide pools', 'tide pool', '東京', '🚀'];
    const hashes = texts.map(hashString);
    expect(new Set(hashes).size).toBe(texts.length);
    for (const hash of hashes) {
      expect(Number.isInteger(hash)).toBe(true);
      expect(hash).toBeGreaterThanOrEqual(0);
      expect(hash).toBeLessThan(2 ** 32);
    }
  });

  it('mix32 flips about half the output bits when one input bit flips', () => {
    let flipped = 0;
    let trials = 0;
    for (let value = 1; value <= 500; value++) {
      for (let bit = 0; bit < 32; bit++) {
        flipped += popcount(mix32(value) ^ mix32(value ^ (1 << bit)));
        trials++;
      }
    }
    const average = flipped / trials;
    expect(average).toBeGreaterThan(14);
    expect(average).toBeLessThan(18);
  });
});
