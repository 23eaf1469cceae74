import { describe, expect, it } from 'vitest';
import { BoundedLru } from '../../src/pricing/lru.js';

describe('BoundedLru', () => {
  it('never holds more than its capacity', () => {
    const lru = new BoundedLru<number>(10);
    for (let i = 0; i < 1_000; i++) {
      lru.set(`p${i % 3}`, `k${i}`, `r${i % 7}`, i);
      expect(lru.size).toBeLessThanOrEqual(10);
    }
    expect(lru.get('p0', 'k999', 'r5')).toBe(999);
    expect(lru.get('p0', 'k0', 'r0')).toBeUndefined();
  });

  it('keeps an entry that is read often while newer ones churn', () => {
    const lru = new BoundedLru<string>(4);
    lru.set('p', 'hot', '', 'h');
    for (let i = 0; i < 50; i++) {
      expect(lru.get('p', 'hot', '')).toBe('h');
      lru.set('p', `cold${i}`, '', 'c');
    }
    expect(lru.get('p', 'hot', '')).toBe('h');
    expect(lru.size).toBeLessThanOrEqual(4);
  });

  it('overwrites a value in place', () => {
    const lru = new BoundedLru<number>(4);
    lru.set('p', 'a', 'b', 1);
    lru.set('p', 'a', 'b', 2);
    expect(lru.get('p', 'a', 'b')).toBe(2);
    expect(lru.size).toBe(1);
  });

  it('keeps key parts apart: no separator can make two keys collide', () => {
    const lru = new BoundedLru<number>(8);
    lru.set('a\u0000b', '', 'c', 1);
    lru.set('a', 'b\u0000', 'c', 2);
    lru.set('a', 'b', '\u0000c', 3);
    expect([lru.get('a\u0000b', '', 'c'), lru.get('a', 'b\u0000', 'c'), lru.get('a', 'b', '\u0000c'), lru.get('a', 'b', 'c')]).toEqual([1, 2, 3, undefined]);
    expect(lru.size).toBe(3);
  });
});
