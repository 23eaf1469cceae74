import { describe, expect, it } from 'vitest';
import { BatchBuilder } from '../../src/collector/decoded-batch.js';
import { spanIndexOf } from '../../src/dedupe/children-first-order.js';
import type { SpanInput } from '../../src/types.js';
import { spanInput } from '../fixtures/spans.js';

const span = (traceId: string, spanId: string): SpanInput => spanInput({}, { traceId, spanId });

describe('span identity in the collector', () => {
  it('rejects the same trace and span id twice in one request, not the same span id in another trace', () => {
    const b = new BatchBuilder();
    for (const s of [span('t1', 'a'), span('t2', 'a'), span('t1', 'a'), span('t3', 'a'), span('t2', 'a'), span('t1', 'b')]) b.accept(s);
    expect(b.batch.spans.map((s) => `${s.traceId}/${s.spanId}`)).toEqual(['t1/a', 't2/a', 't3/a', 't1/b']);
    expect(b.batch.rejected).toEqual({ duplicate_span: 2 });
    expect(b.batch.ordinals).toEqual([0, 1, 3, 5]);
    // The index handed to the dedupe stage is the one it would build: first position per id.
    expect(b.batch.index).toEqual(spanIndexOf(b.batch.spans));
    expect(b.batch.index.unique).toBe(false);
  });

  it('hands the dedupe stage the spans by id, unique when no span id repeats', () => {
    const b = new BatchBuilder();
    for (const s of [span('t1', 'a'), span('t1', 'b'), span('t1', 'a'), span('t2', 'c')]) b.accept(s);
    expect(b.batch.index).toEqual({ firstById: new Map([['a', 0], ['b', 1], ['c', 2]]), unique: true });
    expect(b.batch.index).toEqual(spanIndexOf(b.batch.spans));
  });
});
