import { describe, expect, it } from 'vitest';
import { BoundedLru } from '../../src/pricing/lru.js';

describe('BoundedLru', () => {
  it('never holds more than its capacity', () => {
    const lru = new BoundedLru<string, number>(10);
    for (let i = 0; i < 1_000; i++) {
      lru.set(`k${i}`, i);
      expect(lru.size).toBeLessThanOrEqual(10);
    }
    expect(lru.get('k999')).toBe(999);
    expect(lru.get('k0')).toBeUndefined();
  });

  it('keeps an entry that is read often while newer ones churn', () => {
    const lru = new BoundedLru<string, string>(4);
    lru.set('hot', 'h');
    for (let i = 0; i < 50; i++) {
      expect(lru.get('hot')).toBe('h');
      lru.set(`cold${i}`, 'c');
    }
    expect(lru.get('hot')).toBe('h');
    expect(lru.size).toBeLessThanOrEqual(4);
  });

  it('overwrites a value in place', () => {
    const lru = new BoundedLru<string, number>(4);
    lru.set('a', 1);
    lru.set('a', 2);
    expect(lru.get('a')).toBe(2);
    expect(lru.size).toBe(1);
  });
});
