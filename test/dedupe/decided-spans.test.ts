import { describe, expect, it } from 'vitest';
import { DecidedSpans } from '../../src/dedupe/decided-spans.js';

describe('DecidedSpans', () => {
  it('remembers each span with its trace and whether it was counted', () => {
    const decided = new DecidedSpans(10);
    decided.add('a', 't1', true);
    decided.add('b', 't1', false);
    expect(decided.counted('a', 't1')).toBe(true);
    expect(decided.counted('b', 't1')).toBe(false);
    expect(decided.counted('a', 't2')).toBeUndefined();
    expect(decided.counted('c', 't1')).toBeUndefined();
    // The same span id in another trace replaces the earlier entry.
    decided.add('b', 't2', true);
    expect([decided.counted('b', 't2'), decided.counted('b', 't1'), decided.size]).toEqual([true, undefined, 2]);
  });

  it('holds at most capacity span ids, dropping the older generation whole', () => {
    const decided = new DecidedSpans(4);
    decided.add('a', 't', false);
    decided.add('b', 't', true);
    decided.add('c', 't', false); // generation of 2 full: {a, b} become old
    expect([decided.counted('a', 't'), decided.counted('b', 't'), decided.counted('c', 't')]).toEqual([false, true, false]);
    decided.add('d', 't', true);
    decided.add('e', 't', true); // {a, b} dropped
    expect(decided.size).toBe(3);
    expect([decided.counted('a', 't'), decided.counted('b', 't')]).toEqual([undefined, undefined]);
    expect([decided.counted('c', 't'), decided.counted('d', 't'), decided.counted('e', 't')]).toEqual([false, true, true]);
  });
});
