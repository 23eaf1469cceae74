import { describe, expect, it } from 'vitest';
import { SpaceSaving } from '../../src/analytics/space-saving.js';
import { mulberry32 } from '../../src/analytics/forecast-eval.js';

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
