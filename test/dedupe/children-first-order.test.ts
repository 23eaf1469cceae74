import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { childrenFirstOrder } from '../../src/dedupe/children-first-order.js';
import type { OrderedSpan } from '../../src/dedupe/children-first-order.js';

/** The order as specified: Kahn's algorithm, each wave of ready spans stably by end time, then cycles by end time. */
function reference(spans: readonly OrderedSpan[]): number[] {
  const first = new Map<string, number>();
  spans.forEach((s, i) => {
    if (!first.has(s.spanId)) first.set(s.spanId, i);
  });
  const parent = spans.map((s, i) => {
    const p = s.parentSpanId === undefined ? undefined : first.get(s.parentSpanId);
    return p === undefined || p === i ? -1 : p;
  });
  const pending = spans.map((_, i) => parent.filter((p) => p === i).length);
  const byEnd = (xs: number[]) => [...xs].sort((a, b) => spans[a]!.endTimeMs - spans[b]!.endTimeMs);
  const order = byEnd(spans.map((_, i) => i).filter((i) => pending[i] === 0));
  for (let k = 0; k < order.length; k++) {
    const p = parent[order[k]!]!;
    if (p >= 0 && --pending[p]! === 0) order.push(p);
  }
  return [...order, ...byEnd(spans.map((_, i) => i).filter((i) => pending[i]! > 0))];
}

const batch = fc.integer({ min: 1, max: 300 }).chain((n) =>
  fc.tuple(
    fc.array(fc.integer({ min: -1, max: n - 1 }), { minLength: n, maxLength: n }),
    fc.array(fc.integer({ min: 0, max: 50 }), { minLength: n, maxLength: n }),
    fc.constantFrom('sorted', 'nearly', 'random', 'reversed'),
    fc.integer({ min: 0, max: 3 }),
  ).map(([parents, jitter, shape, dupes]) =>
    parents.map((p, i): OrderedSpan => ({
      spanId: `s${i < dupes ? 0 : i}`,
      parentSpanId: p < 0 ? undefined : `s${p}`,
      endTimeMs: shape === 'sorted' ? i : shape === 'nearly' ? i * 10 + jitter[i]! : shape === 'reversed' ? n - i : jitter[i]!,
    })),
  ),
);

describe('childrenFirstOrder', () => {
  it('orders children before parents, ready spans stably by end time, cycles last', () => {
    fc.assert(fc.property(batch, (spans) => {
      expect([...childrenFirstOrder(spans).order]).toEqual(reference(spans));
    }), { numRuns: 400 });
  });
});
