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

// Deterministic PRNG (mulberry32) so a failure replays.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const hex = (rand: () => number, chars: number): string => {
  let s = '';
  for (let i = 0; i < chars; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)];
  return s;
};

// The specification DecidedSpans implements: two generations of Map, young first.
class ReferenceModel {
  private young = new Map<string, { traceId: string; counted: boolean }>();
  private old = new Map<string, { traceId: string; counted: boolean }>();
  constructor(private readonly generationSize: number) {}
  get size(): number {
    return this.young.size + this.old.size;
  }
  add(spanId: string, traceId: string, counted: boolean): void {
    if (this.young.size >= this.generationSize) [this.old, this.young] = [this.young, new Map()];
    this.young.set(spanId, { traceId, counted });
  }
  counted(spanId: string, traceId: string): boolean | undefined {
    const held = this.young.get(spanId) ?? this.old.get(spanId);
    return held !== undefined && held.traceId === traceId ? held.counted : undefined;
  }
}

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
    // Trace ids that differ in one word only.
    const t = 'ffffffffeeeeeeeeddddddddcccccccc';
    decided.add(span(4), t, true); // rollover: {1, 2} dropped
    for (const other of ['0fffffffeeeeeeeeddddddddcccccccc', 'ffffffff0eeeeeeeddddddddcccccccc', 'ffffffffeeeeeeee0dddddddcccccccc', 'ffffffffeeeeeeeeddddddddccccccc0']) {
      expect(decided.counted(span(4), other)).toBeUndefined();
    }
    expect([decided.counted(span(4), t), decided.counted(span(1), trace(2))]).toEqual([true, undefined]);
  });

  it('keeps upper-case, non-hex, odd-length and all-zero ids apart from their lower-case look-alikes', () => {
    const decided = new DecidedSpans(100);
    const s = '00f067aa0ba902b7';
    const t = '4bf92f3577b34da6a3ce929d0e0e4736';
    decided.add(s, t, true);
    decided.add(s.toUpperCase(), t, false);
    decided.add('00f067aa0ba902bg', t, false);
    decided.add(s + '0', t, false);
    decided.add('0000000000000000', trace(0), false);
    decided.add('a', 'b', true);
    decided.add('', '', false);
    expect(decided.size).toBe(7);
    expect([decided.counted(s, t), decided.counted(s.toUpperCase(), t), decided.counted('00f067aa0ba902bg', t)]).toEqual([true, false, false]);
    expect([decided.counted(s + '0', t), decided.counted('0000000000000000', trace(0)), decided.counted('a', 'b'), decided.counted('', '')]).toEqual([false, false, true, false]);
    expect([decided.counted(s, t.toUpperCase()), decided.counted(s.slice(0, 15), t), decided.counted('00F067aa0ba902b7', t)]).toEqual([undefined, undefined, undefined]);
    expect([decided.counted(s, t + ' '), decided.counted(s, t.slice(1)), decided.counted(s, `${t.slice(0, 31)}\u0134`)]).toEqual([undefined, undefined, undefined]);
    // A char code above 255 whose low byte is a hex digit ('0' + 0x100) is not a digit.
    expect(decided.counted(`${s.slice(0, 15)}\u0137`, t)).toBeUndefined();
    // A hex span id with a trace id of another shape, replaced both ways.
    decided.add(s, t.toUpperCase(), false);
    expect([decided.counted(s, t.toUpperCase()), decided.counted(s, t)]).toEqual([false, undefined]);
    decided.add(s, t, true);
    expect([decided.counted(s, t.toUpperCase()), decided.counted(s, t), decided.size]).toEqual([undefined, true, 7]);
    // A trace id that starts with 32 hex characters but is longer is not that trace id.
    decided.add(span(9), `${t}0`, true);
    expect([decided.counted(span(9), t), decided.counted(span(9), `${t}0`)]).toEqual([undefined, true]);
  });

  it('tells apart span ids that share their low bits or their high bits, full tables included', () => {
    // 2000 ids per generation: tables grow from their first size to 4096 slots.
    const decided = new DecidedSpans(4000);
    const low = (n: number): string => `${n.toString(16).padStart(8, '0')}00000001`;
    const high = (n: number): string => `00000001${n.toString(16).padStart(8, '0')}`;
    for (let n = 1; n <= 1000; n++) decided.add(low(n), trace(n), n % 3 !== 0);
    for (let n = 1; n <= 1000; n++) decided.add(high(n << 12), trace(n), n % 5 !== 0);
    expect(decided.size).toBe(2000);
    for (let n = 1; n <= 1000; n++) {
      expect(decided.counted(low(n), trace(n))).toBe(n % 3 !== 0);
      expect(decided.counted(high(n << 12), trace(n))).toBe(n % 5 !== 0);
      expect(decided.counted(low(n + 1000), trace(n + 1000))).toBeUndefined();
      expect(decided.counted(high((n + 1000) << 12), trace(n + 1000))).toBeUndefined();
      expect(decided.counted(low(n), trace(n + 1))).toBeUndefined();
    }
    // A third generation drops the first whole, table and all.
    for (let n = 1; n <= 2001; n++) decided.add(span(n + 5000), trace(n), true);
    expect(decided.size).toBe(2001);
    expect([decided.counted(low(1), trace(1)), decided.counted(high(1 << 12), trace(1)), decided.counted(span(5001), trace(1))]).toEqual([undefined, undefined, true]);
  });

  it.each([
    { capacity: 2, seed: 1 },
    { capacity: 7, seed: 2 },
    { capacity: 64, seed: 3 },
    { capacity: 600, seed: 4 },
  ])('answers like a two-generation Map model over 100k random operations (capacity $capacity)', ({ capacity, seed }) => {
    const rand = prng(seed);
    // Small pools so that ids repeat across generations; upper-case copies, odd shapes,
    // ids sharing their low 32 bits, and trace ids differing in their last character.
    const spanPool: string[] = [];
    const lowBits = hex(rand, 8);
    for (let i = 0; i < capacity * 2; i++) {
      const id = hex(rand, 16);
      spanPool.push(id, `${hex(rand, 8)}${lowBits}`);
      if (i % 8 === 0) spanPool.push(id.toUpperCase(), id.slice(1), `${id.slice(0, 15)}x`);
    }
    spanPool.push('0000000000000000', '');
    const base = hex(rand, 31);
    const tracePool = ['0123456789abcdef', 'abcdef0123456789'].map((c) => `${base}${c[0]}`);
    for (let i = 0; i < 6; i++) tracePool.push(`${base}${'0123456789abcdef'[i + 2]}`, hex(rand, 32));
    tracePool.push(tracePool[0]!.toUpperCase(), `${tracePool[1]!}0`, 'trace');
    const pick = (pool: string[]): string => pool[Math.floor(rand() * pool.length)]!;

    const decided = new DecidedSpans(capacity);
    const model = new ReferenceModel(Math.max(1, Math.floor(capacity / 2)));
    let hits = 0;
    for (let op = 0; op < 100_000; op++) {
      // Mostly the span's own trace, so that many lookups are hits.
      const i = Math.floor(rand() * spanPool.length);
      const spanId = spanPool[i]!;
      const traceId = rand() < 0.75 ? tracePool[i % tracePool.length]! : pick(tracePool);
      if (rand() < 0.5) {
        const counted = rand() < 0.7;
        decided.add(spanId, traceId, counted);
        model.add(spanId, traceId, counted);
      } else {
        const expected = model.counted(spanId, traceId);
        if (expected !== undefined) hits++;
        const actual = decided.counted(spanId, traceId);
        if (actual !== expected) expect({ op, spanId, traceId, actual }).toEqual({ op, spanId, traceId, actual: expected });
      }
      if (decided.size !== model.size) expect({ op, size: decided.size }).toEqual({ op, size: model.size });
    }
    expect(hits).toBeGreaterThan(2000); // the comparison covered held ids, not only misses
  });
});
