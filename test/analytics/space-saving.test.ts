import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpaceSaving } from '../../src/analytics/space-saving.js';
import type { StoredHeavyHitter } from '../../src/store/rows.js';
import { mulberry32 } from '../helpers/forecast-eval.js';

describe('SpaceSaving', () => {
  it('keeps at most capacity entries and the top 10 heavy hitters exactly among 1M distinct ids', () => {
    const sketch = new SpaceSaving(1000);
    const rand = mulberry32(7);
    const heavy = Array.from({ length: 10 }, (_, i) => `heavy-${i}`);
    const truth = new Map<string, number>();
    for (let i = 0; i < 1_000_000; i++) {
      sketch.add(`light-${i}`, 0.001 * (1 + rand()), i, false);
      // Heavy sessions are active from the start (each appears before the table fills).
      if (i % 100 === 0) {
        const id = heavy[(i / 100) % 10] as string;
        const w = 0.05 * (1 + ((i / 100) % 10));
        sketch.add(id, w, i, false);
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
    s.add('a', 5, 1, false);
    s.add('b', 1, 2, false);
    s.add('c', 2, 3, false);
    expect(s.top(2)).toEqual([
      { id: 'a', weight: 5, error: 0, calls: 1, unpricedCalls: 0, firstMs: 1, lastMs: 1 },
      { id: 'c', weight: 3, error: 1, calls: 1, unpricedCalls: 0, firstMs: 3, lastMs: 3 },
    ]);
    expect(s.takeSnapshot()?.map((h) => h.id).sort()).toEqual(['a', 'c']);
    expect(s.takeSnapshot()).toBeUndefined();
  });

  it('replaces the true minimum the first time it fills, whatever the order entries arrived and grew in', () => {
    const s = new SpaceSaving(4);
    s.add('a', 1, 1, false);
    s.add('b', 9, 2, false);
    s.add('c', 4, 3, false);
    s.add('a', 7, 4, false); // a grows to 8 before the sketch is full
    s.add('d', 2, 5, false);
    s.add('e', 0.5, 6, false); // full: replaces d (2), the minimum
    s.add('f', 0.5, 7, false); // replaces e (2.5): c (4) stays
    expect(s.top(4)).toEqual([
      { id: 'b', weight: 9, error: 0, calls: 1, unpricedCalls: 0, firstMs: 2, lastMs: 2 },
      { id: 'a', weight: 8, error: 0, calls: 2, unpricedCalls: 0, firstMs: 1, lastMs: 4 },
      { id: 'c', weight: 4, error: 0, calls: 1, unpricedCalls: 0, firstMs: 3, lastMs: 3 },
      { id: 'f', weight: 3, error: 2.5, calls: 1, unpricedCalls: 0, firstMs: 7, lastMs: 7 },
    ]);
  });
});

describe('SpaceSaving after the heap is built', () => {
  it('each newcomer replaces the current minimum, also after entries grew in place', () => {
    const s = new SpaceSaving(3);
    s.add('a', 1, 1, false);
    s.add('b', 2, 2, false);
    s.add('c', 3, 3, false);
    s.add('d', 10, 4, false); // full: replaces a (1); the heap is built here
    s.add('b', 20, 5, false); // b grows from the top of the heap to 22
    s.add('e', 1, 6, false); // replaces c (3), not b
    s.add('f', 1, 7, false); // replaces e (4)
    s.add('c', 0.5, 8, false); // replaces f (5): c comes back with a fresh count
    expect(s.top(3)).toEqual([
      { id: 'b', weight: 22, error: 0, calls: 2, unpricedCalls: 0, firstMs: 2, lastMs: 5 },
      { id: 'd', weight: 11, error: 1, calls: 1, unpricedCalls: 0, firstMs: 4, lastMs: 4 },
      { id: 'c', weight: 5.5, error: 5, calls: 1, unpricedCalls: 0, firstMs: 8, lastMs: 8 },
    ]);
  });

  it('agrees with a linear-scan Space-Saving over random adds, for capacities below and past the first array growth', () => {
    for (const capacity of [5, 64, 65, 150]) {
      const s = new SpaceSaving(capacity);
      const ref = new Map<string, { id: string; weight: number; error: number; calls: number; unpricedCalls: number; firstMs: number; lastMs: number }>();
      const rand = mulberry32(capacity);
      for (let i = 0; i < 20 * capacity; i++) {
        const id = `id-${Math.floor(rand() * 3 * capacity)}`;
        const w = rand(); // distinct weights: the minimum is unique
        const ts = 1_700_000_000_000 + i;
        const unpriced = i % 3 === 0;
        s.add(id, w, ts, unpriced);
        const e = ref.get(id);
        if (e !== undefined) {
          e.weight += w;
          e.calls++;
          if (unpriced) e.unpricedCalls++;
          e.lastMs = ts;
        } else {
          let error = 0;
          if (ref.size === capacity) {
            const min = [...ref.values()].reduce((m, x) => (x.weight < m.weight ? x : m));
            ref.delete(min.id);
            error = min.weight;
          }
          ref.set(id, { id, weight: error + w, error, calls: 1, unpricedCalls: unpriced ? 1 : 0, firstMs: ts, lastMs: ts });
        }
        expect(s.get(id)).toEqual(ref.get(id));
      }
      expect(s.size).toBe(capacity);
      expect(s.top(capacity)).toEqual([...ref.values()].sort((a, b) => b.weight - a.weight));
    }
  });

  it('among equal weights, replaces the earliest arrival first (a right child moves up only when strictly lighter)', () => {
    const s = new SpaceSaving(3);
    s.add('a', 1, 1, false);
    s.add('b', 1, 2, false);
    s.add('c', 1, 3, false);
    s.add('d', 1, 4, false); // replaces a
    s.add('e', 1, 5, false); // replaces b, not c
    expect(s.top(3).map((h) => [h.id, h.weight, h.error])).toEqual([
      ['d', 2, 1],
      ['e', 2, 1],
      ['c', 1, 0],
    ]);
  });

  it('get follows replacement: the evicted id is gone, the newcomer is found, a returning id starts over', () => {
    const s = new SpaceSaving(2);
    s.add('a', 1, 1, false);
    s.add('b', 5, 2, false);
    s.add('c', 2, 3, false); // replaces a (1)
    expect(s.get('a')).toBeUndefined();
    expect(s.get('c')).toEqual({ id: 'c', weight: 3, error: 1, calls: 1, unpricedCalls: 0, firstMs: 3, lastMs: 3 });
    s.add('a', 1, 4, false); // replaces c (3)
    expect(s.get('c')).toBeUndefined();
    expect(s.get('a')).toEqual({ id: 'a', weight: 4, error: 3, calls: 1, unpricedCalls: 0, firstMs: 4, lastMs: 4 });
    expect(s.get('b')).toEqual({ id: 'b', weight: 5, error: 0, calls: 1, unpricedCalls: 0, firstMs: 2, lastMs: 2 });
    expect(s.size).toBe(2);
  });
});

describe('SpaceSaving unpriced calls', () => {
  it('counts each entry\'s unpriced calls; a newcomer replacing the minimum starts its own count, like calls', () => {
    const s = new SpaceSaving(2);
    s.add('a', 0, 1, true);
    s.add('a', 2, 2, false);
    s.add('b', 0, 3, true);
    s.add('b', 0, 4, true);
    expect(s.get('b')).toEqual({ id: 'b', weight: 0, error: 0, calls: 2, unpricedCalls: 2, firstMs: 3, lastMs: 4 });
    s.add('c', 1, 5, false); // full: replaces b (0); b's 2 unpriced calls are not c's
    expect(s.get('b')).toBeUndefined();
    expect(s.get('c')).toEqual({ id: 'c', weight: 1, error: 0, calls: 1, unpricedCalls: 0, firstMs: 5, lastMs: 5 });
    s.add('d', 0, 6, true); // replaces c (1)
    expect(s.top(2)).toEqual([
      { id: 'a', weight: 2, error: 0, calls: 2, unpricedCalls: 1, firstMs: 1, lastMs: 2 },
      { id: 'd', weight: 1, error: 1, calls: 1, unpricedCalls: 1, firstMs: 6, lastMs: 6 },
    ]);
    // Written with the entries: the snapshot the store keeps carries the counts.
    expect(s.takeSnapshot()?.map((h) => [h.id, h.calls, h.unpricedCalls]).sort()).toEqual([['a', 2, 1], ['d', 1, 1]]);
  });

  it('forgets the entries whose last call is before a time; the rest go on as a heap', () => {
    const s = new SpaceSaving(3);
    s.add('old', 9, 10, false);
    s.add('mid', 1, 20, false);
    s.add('new', 5, 30, false);
    s.add('mid', 1, 40, false);
    s.takeSnapshot();
    expect(s.forgetBefore(25)).toBe(1);
    expect(s.forgetBefore(25)).toBe(0);
    expect(s.top(3).map((h) => [h.id, h.weight, h.lastMs])).toEqual([['new', 5, 30], ['mid', 2, 40]]);
    expect(s.get('old')).toBeUndefined();
    // A change the store must write.
    expect(s.takeSnapshot()?.map((h) => h.id).sort()).toEqual(['mid', 'new']);
    // Room again: a newcomer is added without error; the next one replaces the minimum (mid, 2).
    s.add('x', 3, 50, false);
    s.add('y', 1, 60, false);
    expect(s.top(3).map((h) => [h.id, h.weight, h.error])).toEqual([['new', 5, 0], ['x', 3, 0], ['y', 3, 2]]);
  });

  it('restores the count from the stored JSON, and 0 from an entry stored without it', () => {
    const old = new SpaceSaving(3);
    // As a store written before unpriced calls were counted holds it: no unpricedCalls field.
    const stored = JSON.parse('[{"id":"old","weight":4,"error":0,"calls":3,"firstMs":10,"lastMs":30}]') as StoredHeavyHitter[];
    for (const h of stored) old.restore(h);
    expect(old.get('old')).toEqual({ id: 'old', weight: 4, error: 0, calls: 3, unpricedCalls: 0, firstMs: 10, lastMs: 30 });
    old.add('old', 0, 40, true);
    expect(old.get('old')).toEqual({ id: 'old', weight: 4, error: 0, calls: 4, unpricedCalls: 1, firstMs: 10, lastMs: 40 });

    const restored = new SpaceSaving(3);
    for (const h of JSON.parse(JSON.stringify(old.takeSnapshot())) as StoredHeavyHitter[]) restored.restore(h);
    expect(restored.get('old')).toEqual({ id: 'old', weight: 4, error: 0, calls: 4, unpricedCalls: 1, firstMs: 10, lastMs: 40 });
  });
});

describe('SpaceSaving restore', () => {
  it('restored entries take adds and replacements like added ones; duplicates and entries past capacity are ignored', () => {
    const s = new SpaceSaving(3);
    s.restore({ id: 'a', weight: 4, error: 1, calls: 3, unpricedCalls: 0, firstMs: 100, lastMs: 200 });
    s.restore({ id: 'b', weight: 2, error: 0, calls: 1, unpricedCalls: 0, firstMs: 150, lastMs: 150 });
    s.restore({ id: 'a', weight: 99, error: 0, calls: 1, unpricedCalls: 0, firstMs: 1, lastMs: 1 });
    expect(s.takeSnapshot()).toBeUndefined(); // restoring is not a change to write back
    s.add('a', 1, 50, false); // an earlier timestamp moves firstMs only
    s.add('c', 1, 300, false); // fills the sketch
    s.restore({ id: 'd', weight: 0, error: 0, calls: 1, unpricedCalls: 0, firstMs: 1, lastMs: 1 });
    s.add('e', 0.5, 400, false); // replaces c (1), the minimum
    expect(s.get('d')).toBeUndefined();
    expect(s.top(3)).toEqual([
      { id: 'a', weight: 5, error: 1, calls: 4, unpricedCalls: 0, firstMs: 50, lastMs: 200 },
      { id: 'b', weight: 2, error: 0, calls: 1, unpricedCalls: 0, firstMs: 150, lastMs: 150 },
      { id: 'e', weight: 1.5, error: 1, calls: 1, unpricedCalls: 0, firstMs: 400, lastMs: 400 },
    ]);
  });

  it('a snapshot restored into a new sketch goes on like the original', () => {
    const rand = mulberry32(11);
    const original = new SpaceSaving(100);
    const adds = Array.from({ length: 2000 }, (_, i) => [`id-${Math.floor(rand() * 400)}`, rand(), i, i % 4 === 0] as const);
    for (const [id, w, ts, unpriced] of adds.slice(0, 1000)) original.add(id, w, ts, unpriced);
    const snapshot = original.takeSnapshot() ?? [];
    expect(snapshot).toHaveLength(100);
    const restored = new SpaceSaving(100);
    for (const h of snapshot) restored.restore(h);
    expect(restored.top(100)).toEqual(original.top(100));
    for (const [id, w, ts, unpriced] of adds.slice(1000)) {
      original.add(id, w, ts, unpriced);
      restored.add(id, w, ts, unpriced);
    }
    expect(restored.top(100)).toEqual(original.top(100));
  });
});

describe('SpaceSaving guarantees (Metwally et al.) on random streams', () => {
  it('holds every heavy id, bounds each weight by its error, and keeps the total weight', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.tuple(fc.nat(120), fc.constantFrom(0, 0.5, 1, 2, 3, 0.1, 0.25)), { maxLength: 600 }),
        (capacity, adds) => {
          const s = new SpaceSaving(capacity);
          const truth = new Map<string, number>();
          let total = 0;
          for (const [ts, [n, w]] of adds.entries()) {
            const id = `id-${n}`;
            s.add(id, w, ts, false);
            truth.set(id, (truth.get(id) ?? 0) + w);
            total += w;
          }
          const all = s.top(capacity);
          expect(s.size).toBe(Math.min(capacity, truth.size));
          expect(all).toHaveLength(s.size);
          expect(all.reduce((sum, h) => sum + h.weight, 0)).toBeCloseTo(total, 9);
          for (const h of all) {
            const t = truth.get(h.id)!;
            expect(h.weight - h.error).toBeLessThanOrEqual(t + 1e-9);
            expect(h.weight).toBeGreaterThanOrEqual(t - 1e-9);
          }
          for (const [id, t] of truth) if (t > total / capacity) expect(s.get(id)).toBeDefined();
          expect(all.map((h) => h.weight)).toEqual([...all.map((h) => h.weight)].sort((a, b) => b - a));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('SpaceSaving capacity', () => {
  it('must be a positive integer', () => {
    for (const bad of [0, -1, 0.5, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new SpaceSaving(bad)).toThrow(`SpaceSaving capacity must be a positive integer, got ${String(bad)}`);
    }
  });
});
