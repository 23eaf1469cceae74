import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HeavyHitter } from '../../src/analytics/space-saving.js';
import { SpaceSaving } from '../../src/analytics/space-saving.js';
import { mulberry32 } from '../../src/analytics/forecast-eval.js';
import { SpaceSaving as Reference } from './fixtures/space-saving-reference.js';

describe('SpaceSaving', () => {
  it('keeps at most capacity entries and the top 10 heavy hitters exactly among 1M distinct ids', () => {
    const sketch = new SpaceSaving(1000);
    const rand = mulberry32(7);
    const heavy = Array.from({ length: 10 }, (_, i) => `heavy-${i}`);
    const truth = new Map<string, number>();
    for (let i = 0; i < 1_000_000; i++) {
      sketch.add(`light-${i}`, 0.001 * (1 + rand()), i);
      // Heavy sessions are active from the start (each appears before the table fills).
      if (i % 100 === 0) {
        const id = heavy[(i / 100) % 10] as string;
        const w = 0.05 * (1 + ((i / 100) % 10));
        sketch.add(id, w, i);
        truth.set(id, (truth.get(id) ?? 0) + w);
      }
    }
    expect(sketch.size).toBe(1000);
    const expected = [...truth].sort((a, b) => b[1] - a[1]);
    const top = sketch.top(10);
    expect(top.map((t) => t.id)).toEqual(expected.map(([id]) => id));
    expect(top.map((t) => t.weight)).toEqual(expected.map(([, w]) => w));
    expect(top.every((t) => t.error === 0 && t.calls === 1000)).toBe(true);
  });

  it('a newcomer replacing the minimum carries its error bound', () => {
    const s = new SpaceSaving(2);
    s.add('a', 5, 1);
    s.add('b', 1, 2);
    s.add('c', 2, 3);
    expect(s.top(2)).toEqual([
      { id: 'a', weight: 5, error: 0, calls: 1, firstMs: 1, lastMs: 1 },
      { id: 'c', weight: 3, error: 1, calls: 1, firstMs: 3, lastMs: 3 },
    ]);
    expect(s.takeSnapshot()?.map((h) => h.id).sort()).toEqual(['a', 'c']);
    expect(s.takeSnapshot()).toBeUndefined();
  });

  it('replaces the true minimum the first time it fills, whatever the order entries arrived and grew in', () => {
    const s = new SpaceSaving(4);
    s.add('a', 1, 1);
    s.add('b', 9, 2);
    s.add('c', 4, 3);
    s.add('a', 7, 4); // a grows to 8 before the sketch is full
    s.add('d', 2, 5);
    s.add('e', 0.5, 6); // full: replaces d (2), the minimum
    s.add('f', 0.5, 7); // replaces e (2.5): c (4) stays
    expect(s.top(4)).toEqual([
      { id: 'b', weight: 9, error: 0, calls: 1, firstMs: 2, lastMs: 2 },
      { id: 'a', weight: 8, error: 0, calls: 2, firstMs: 1, lastMs: 4 },
      { id: 'c', weight: 4, error: 0, calls: 1, firstMs: 3, lastMs: 3 },
      { id: 'f', weight: 3, error: 2.5, calls: 1, firstMs: 7, lastMs: 7 },
    ]);
  });
});

describe('SpaceSaving after the heap is built', () => {
  it('each newcomer replaces the current minimum, also after entries grew in place', () => {
    const s = new SpaceSaving(3);
    s.add('a', 1, 1);
    s.add('b', 2, 2);
    s.add('c', 3, 3);
    s.add('d', 10, 4); // full: replaces a (1); the heap is built here
    s.add('b', 20, 5); // b grows from the top of the heap to 22
    s.add('e', 1, 6); // replaces c (3), not b
    s.add('f', 1, 7); // replaces e (4)
    s.add('c', 0.5, 8); // replaces f (5): c comes back with a fresh count
    expect(s.top(3)).toEqual([
      { id: 'b', weight: 22, error: 0, calls: 2, firstMs: 2, lastMs: 5 },
      { id: 'd', weight: 11, error: 1, calls: 1, firstMs: 4, lastMs: 4 },
      { id: 'c', weight: 5.5, error: 5, calls: 1, firstMs: 8, lastMs: 8 },
    ]);
  });

  it('agrees with a linear-scan Space-Saving over random adds, for capacities below and past the first array growth', () => {
    for (const capacity of [5, 64, 65, 150]) {
      const s = new SpaceSaving(capacity);
      const ref = new Map<string, { id: string; weight: number; error: number; calls: number; firstMs: number; lastMs: number }>();
      const rand = mulberry32(capacity);
      for (let i = 0; i < 20 * capacity; i++) {
        const id = `id-${Math.floor(rand() * 3 * capacity)}`;
        const w = rand(); // distinct weights: the minimum is unique
        const ts = 1_700_000_000_000 + i;
        s.add(id, w, ts);
        const e = ref.get(id);
        if (e !== undefined) {
          e.weight += w;
          e.calls++;
          e.lastMs = ts;
        } else {
          let error = 0;
          if (ref.size === capacity) {
            const min = [...ref.values()].reduce((m, x) => (x.weight < m.weight ? x : m));
            ref.delete(min.id);
            error = min.weight;
          }
          ref.set(id, { id, weight: error + w, error, calls: 1, firstMs: ts, lastMs: ts });
        }
        expect(s.get(id)).toEqual(ref.get(id));
      }
      expect(s.size).toBe(capacity);
      expect(s.top(capacity)).toEqual([...ref.values()].sort((a, b) => b.weight - a.weight));
    }
  });

  it('among equal weights, replaces the earliest arrival first (a right child moves up only when strictly lighter)', () => {
    const s = new SpaceSaving(3);
    s.add('a', 1, 1);
    s.add('b', 1, 2);
    s.add('c', 1, 3);
    s.add('d', 1, 4); // replaces a
    s.add('e', 1, 5); // replaces b, not c
    expect(s.top(3).map((h) => [h.id, h.weight, h.error])).toEqual([
      ['d', 2, 1],
      ['e', 2, 1],
      ['c', 1, 0],
    ]);
  });

  it('get follows replacement: the evicted id is gone, the newcomer is found, a returning id starts over', () => {
    const s = new SpaceSaving(2);
    s.add('a', 1, 1);
    s.add('b', 5, 2);
    s.add('c', 2, 3); // replaces a (1)
    expect(s.get('a')).toBeUndefined();
    expect(s.get('c')).toEqual({ id: 'c', weight: 3, error: 1, calls: 1, firstMs: 3, lastMs: 3 });
    s.add('a', 1, 4); // replaces c (3)
    expect(s.get('c')).toBeUndefined();
    expect(s.get('a')).toEqual({ id: 'a', weight: 4, error: 3, calls: 1, firstMs: 4, lastMs: 4 });
    expect(s.get('b')).toEqual({ id: 'b', weight: 5, error: 0, calls: 1, firstMs: 2, lastMs: 2 });
    expect(s.size).toBe(2);
  });
});

describe('SpaceSaving restore', () => {
  it('restored entries take adds and replacements like added ones; duplicates and entries past capacity are ignored', () => {
    const s = new SpaceSaving(3);
    s.restore({ id: 'a', weight: 4, error: 1, calls: 3, firstMs: 100, lastMs: 200 });
    s.restore({ id: 'b', weight: 2, error: 0, calls: 1, firstMs: 150, lastMs: 150 });
    s.restore({ id: 'a', weight: 99, error: 0, calls: 1, firstMs: 1, lastMs: 1 });
    expect(s.takeSnapshot()).toBeUndefined(); // restoring is not a change to write back
    s.add('a', 1, 50); // an earlier timestamp moves firstMs only
    s.add('c', 1, 300); // fills the sketch
    s.restore({ id: 'd', weight: 0, error: 0, calls: 1, firstMs: 1, lastMs: 1 });
    s.add('e', 0.5, 400); // replaces c (1), the minimum
    expect(s.get('d')).toBeUndefined();
    expect(s.top(3)).toEqual([
      { id: 'a', weight: 5, error: 1, calls: 4, firstMs: 50, lastMs: 200 },
      { id: 'b', weight: 2, error: 0, calls: 1, firstMs: 150, lastMs: 150 },
      { id: 'e', weight: 1.5, error: 1, calls: 1, firstMs: 400, lastMs: 400 },
    ]);
  });

  it('a snapshot restored into a new sketch goes on like the original', () => {
    const rand = mulberry32(11);
    const original = new SpaceSaving(100);
    const adds = Array.from({ length: 2000 }, (_, i) => [`id-${Math.floor(rand() * 400)}`, rand(), i] as const);
    for (const [id, w, ts] of adds.slice(0, 1000)) original.add(id, w, ts);
    const snapshot = original.takeSnapshot() ?? [];
    expect(snapshot).toHaveLength(100);
    const restored = new SpaceSaving(100);
    for (const h of snapshot) restored.restore(h);
    expect(restored.top(100)).toEqual(original.top(100));
    for (const [id, w, ts] of adds.slice(1000)) {
      original.add(id, w, ts);
      restored.add(id, w, ts);
    }
    expect(restored.top(100)).toEqual(original.top(100));
  });
});

describe('SpaceSaving against the Map-keyed sketch it replaced (fixtures/space-saving-reference.ts)', () => {
  type Sketch = Pick<SpaceSaving, 'add' | 'restore' | 'top' | 'get' | 'takeSnapshot' | 'markChanged' | 'size'>;
  type Op =
    | { op: 'add'; id: string; weight: number; ts: number }
    | { op: 'restore'; entry: HeavyHitter }
    | { op: 'get'; id: string }
    | { op: 'top'; n: number }
    | { op: 'snapshot' }
    | { op: 'markChanged' }
    | { op: 'reload'; capacity: number };

  // Bit patterns, so that -0, NaN and the last bit of a sum all have to match.
  const f64 = new Float64Array(1);
  const u64 = new BigUint64Array(f64.buffer);
  const bits = (x: number): string => {
    f64[0] = x;
    return (u64[0] as bigint).toString(16);
  };
  const exact = (h: HeavyHitter | undefined): unknown =>
    h === undefined ? undefined : [h.id, bits(h.weight), bits(h.error), bits(h.calls), bits(h.firstMs), bits(h.lastMs)];
  const outcome = (f: () => unknown): unknown => {
    try {
      const r = f();
      return Array.isArray(r) ? r.map((h) => exact(h as HeavyHitter)) : typeof r === 'object' ? exact(r as HeavyHitter) : r;
    } catch (err) {
      return `threw ${String(err)}`;
    }
  };
  // A new string object each time, as ids decoded from a request are.
  const fresh = (s: string): string => s.split('').join('');

  const special = ['', 'a', 'b', 'ab', 'ba', '\u00e9', '\u{1f600}', '\ud800', '\udc00x', 'x'.repeat(1000), `${'x'.repeat(999)}y`, 'conv-1', 'conv-10'];
  const capacities = fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 50 }), weight: 8 },
    { arbitrary: fc.integer({ min: 51, max: 150 }), weight: 1 },
    // Not NaN: restore() then appends past the heap, which the reference reads out of bounds (and
    // loops forever in siftDown on the next add of such an entry).
    { arbitrary: fc.constantFrom(0, -1, 0.5, 2.5, Number.POSITIVE_INFINITY), weight: 1 },
  );
  const numbers = (ties: fc.Arbitrary<number>): fc.Arbitrary<number> =>
    fc.oneof(
      { arbitrary: ties, weight: 12 },
      { arbitrary: fc.double(), weight: 3 },
      { arbitrary: fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MIN_VALUE), weight: 1 },
    );
  const weights = numbers(fc.constantFrom(0, 0.5, 1, 2, 3, 0.1, 0.2, 0.3));
  const stamps = numbers(fc.integer({ min: -3, max: 40 }));
  const stream = (capacity: number): fc.Arbitrary<Op[]> =>
    fc.integer({ min: 1, max: Number.isFinite(capacity) && capacity > 0 ? Math.ceil(3 * capacity) : 200 }).chain((pool) => {
      const ids = fc.oneof(
        { arbitrary: fc.nat(pool - 1).map((i) => `id-${i}`), weight: 20 },
        { arbitrary: fc.constantFrom(...special), weight: 2 },
        { arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 3 }), weight: 1 },
      );
      const entry = fc.record({ id: ids, weight: weights, error: weights, calls: fc.integer({ min: 0, max: 5 }), firstMs: stamps, lastMs: stamps });
      const op: fc.Arbitrary<Op> = fc.oneof(
        { arbitrary: fc.record({ op: fc.constant('add' as const), id: ids, weight: weights, ts: stamps }), weight: 40 },
        { arbitrary: fc.record({ op: fc.constant('restore' as const), entry }), weight: 3 },
        { arbitrary: fc.record({ op: fc.constant('get' as const), id: ids }), weight: 4 },
        { arbitrary: fc.record({ op: fc.constant('top' as const), n: fc.integer({ min: -1, max: 160 }) }), weight: 3 },
        { arbitrary: fc.constant({ op: 'snapshot' as const }), weight: 2 },
        { arbitrary: fc.constant({ op: 'markChanged' as const }), weight: 1 },
        { arbitrary: fc.record({ op: fc.constant('reload' as const), capacity: fc.oneof(fc.constant(capacity), capacities) }), weight: 1 },
      );
      return fc.array(op, { maxLength: 500, size: 'max' });
    });

  it('returns exactly what it returned for random streams of adds, restores, queries and snapshot reloads', () => {
    fc.assert(
      fc.property(capacities.chain((capacity) => fc.tuple(fc.constant(capacity), stream(capacity))), ([capacity, ops]) => {
        let sketch: Sketch = new SpaceSaving(capacity);
        let ref: Sketch = new Reference(capacity);
        const both = (f: (s: Sketch) => unknown, what: string): void => {
          expect(outcome(() => f(sketch)), what).toEqual(outcome(() => f(ref)));
        };
        for (const [i, o] of ops.entries()) {
          const at = `op ${i}: ${o.op}`;
          if (o.op === 'add') both((s) => s.add(fresh(o.id), o.weight, o.ts), at);
          else if (o.op === 'restore') both((s) => s.restore({ ...o.entry, id: fresh(o.entry.id) }), at);
          else if (o.op === 'get') both((s) => s.get(fresh(o.id)), at);
          else if (o.op === 'top') both((s) => s.top(o.n), at);
          else if (o.op === 'snapshot') both((s) => s.takeSnapshot(), at);
          else if (o.op === 'markChanged') both((s) => s.markChanged(), at);
          else {
            sketch.markChanged();
            ref.markChanged();
            const snapshot = ref.takeSnapshot() ?? [];
            expect(outcome(() => sketch.takeSnapshot()), at).toEqual(outcome(() => snapshot));
            sketch = new SpaceSaving(o.capacity);
            ref = new Reference(o.capacity);
            for (const h of snapshot) both((s) => s.restore({ ...h, id: fresh(h.id) }), at);
          }
          both((s) => s.size, at);
          if (i % 8 === 7) both((s) => s.top(Number.POSITIVE_INFINITY), `${at}, then top`);
        }
        both((s) => s.top(Number.POSITIVE_INFINITY), 'final top');
        both((s) => (s.markChanged(), s.takeSnapshot()), 'final snapshot');
      }),
      { numRuns: 300 },
    );
  });

  it('orders NaN weights in top() as the Map-keyed sketch did, after replacements moved ids to the end of its Map', () => {
    const sketch = new SpaceSaving(6);
    const ref = new Reference(6);
    const adds: [string, number][] = [['a', 3], ['b', Number.NaN], ['c', 1], ['d', 5], ['e', Number.NaN], ['f', 2], ['g', 0.5], ['h', 4], ['b', 1], ['i', 0.25]];
    for (const [ts, [id, w]] of adds.entries()) {
      sketch.add(id, w, ts);
      ref.add(id, w, ts);
    }
    expect(sketch.top(6)).toEqual(ref.top(6));
    expect(sketch.top(6).map((h) => h.id)).toEqual(ref.top(6).map((h) => h.id));
  });
});
