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

describe('DecidedSpans with OTLP-shaped ids', () => {
  const span = (n: number): string => n.toString(16).padStart(16, '0');
  const trace = (n: number): string => n.toString(16).padStart(32, '0');

  it('holds a span id in one trace only: the later trace replaces the earlier, across generations too', () => {
    const decided = new DecidedSpans(4);
    decided.add(span(1), trace(1), true);
    decided.add(span(1), trace(2), false);
    expect([decided.counted(span(1), trace(1)), decided.counted(span(1), trace(2)), decided.size]).toEqual([undefined, false, 1]);
    decided.add(span(2), trace(1), true);
    decided.add(span(3), trace(1), true); // {1, 2} become old
    decided.add(span(2), trace(3), true); // the young entry hides the old one
    expect([decided.counted(span(2), trace(1)), decided.counted(span(2), trace(3))]).toEqual([undefined, true]);
    decided.add(span(4), trace(4), true); // rollover: {1, 2} dropped
    expect([decided.counted(span(4), trace(4)), decided.counted(span(1), trace(2)), decided.counted(span(3), trace(1))]).toEqual([true, undefined, true]);
  });

  it('keeps ids that differ only in case or length apart', () => {
    const decided = new DecidedSpans(100);
    const s = '00f067aa0ba902b7';
    const t = '4bf92f3577b34da6a3ce929d0e0e4736';
    decided.add(s, t, true);
    decided.add(s.toUpperCase(), t, false);
    decided.add(s + '0', t, false);
    expect([decided.counted(s, t), decided.counted(s.toUpperCase(), t), decided.counted(s + '0', t)]).toEqual([true, false, false]);
    expect([decided.counted(s, t.toUpperCase()), decided.counted(s.slice(0, 15), t), decided.counted(s, `${t}0`)]).toEqual([undefined, undefined, undefined]);
  });
});
