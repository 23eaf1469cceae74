import { afterEach, describe, expect, it, vi } from 'vitest';
import { HeldCalls } from '../../src/dedupe/held-calls.js';
import type { EarlyReason } from '../../src/dedupe/held-calls.js';
import type { LlmCall } from '../../src/types.js';
import { pricedCall } from '../analytics/factory.js';

function setup(bounds: { maxOpen?: number; maxHeld?: number; maxHoldMs?: number } = {}) {
  let now = 0;
  const recorded: string[] = [];
  const early: Array<[EarlyReason, number]> = [];
  const held = new HeldCalls({
    maxOpen: bounds.maxOpen ?? 100,
    maxHeld: bounds.maxHeld ?? 100,
    maxHoldMs: bounds.maxHoldMs ?? 60_000,
    clock: () => now,
    record: (call) => recorded.push(`${call.spanId}:${call.cacheReadTokens ?? '-'}`),
    onEarly: (reason, n) => early.push([reason, n]),
  });
  return { held, recorded, early, advance: (ms: number) => (now += ms) };
}

const call = (traceId: string, spanId: string, fields: Partial<LlmCall> = {}): LlmCall => ({
  ...pricedCall({ traceId, requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini', at: 1000, durationMs: 100 }),
  spanId,
  cacheReadTokens: undefined,
  ...fields,
});

describe('HeldCalls', () => {
  it('holds nothing when no span of the trace that may be a call is open', () => {
    const { held } = setup();
    held.started('other-trace-span', 'T2');
    expect(held.hold(call('T1', 'a'))).toBe(false);
    expect(held.size).toBe(0);
  });

  it('records the richer copy as soon as the copy is decided, once', () => {
    const { held, recorded } = setup();
    held.started('lc', 'T1');
    held.started('oa', 'T1');
    held.ended('oa');
    expect(held.hold(call('T1', 'oa'))).toBe(true);
    held.settle('T1');
    expect(recorded).toEqual([]);
    held.ended('lc');
    // Named by the deduper (an unnested copy).
    expect(held.offer(call('T1', 'lc', { cacheReadTokens: 1024 }), 'oa')).toBe(true);
    held.settle('T1');
    expect(recorded).toEqual(['lc:1024']);
    expect(held.size).toBe(0);
    // A second copy finds nothing held.
    expect(held.offer(call('T1', 'x', { cacheReadTokens: 1 }), 'oa')).toBe(false);
  });

  it('records a call no copy came for once its trace has no call span open', () => {
    const { held, recorded } = setup();
    held.started('chain', 'T1');
    held.hold(call('T1', 'a'));
    held.settle('T1');
    expect(recorded).toEqual([]);
    held.ended('chain');
    held.settle('T1');
    expect(recorded).toEqual(['a:-']);
  });

  it('takes an LLM parent as the copy of its one held child call of the same model, never of two', () => {
    const { held, recorded } = setup();
    held.started('open', 'T1');
    held.hold(call('T1', 'a', { parentSpanId: 'p1' }));
    held.hold(call('T1', 'b', { parentSpanId: 'p2' }));
    held.hold(call('T1', 'c', { parentSpanId: 'p2' }));
    held.hold(call('T1', 'd', { parentSpanId: 'p3', requestModel: 'o4-mini', responseModel: 'o4-mini' }));
    expect(held.offer(call('T1', 'p2', { cacheReadTokens: 5 }), undefined)).toBe(false);
    expect(held.offer(call('T1', 'p3', { cacheReadTokens: 5 }), undefined)).toBe(false);
    expect(held.offer(call('T1', 'p1', { cacheReadTokens: 5 }), undefined)).toBe(true);
    expect(recorded).toEqual(['p1:5']);
    // Named by the deduper, a held call is found whatever its parent.
    expect(held.offer(call('T1', 'outer', { cacheReadTokens: 7 }), 'c')).toBe(true);
    expect(recorded).toEqual(['p1:5', 'outer:7']);
  });

  it('records the oldest trace past maxHeld, and forgets the oldest open span past maxOpen, counting both', () => {
    const { held, recorded, early } = setup({ maxHeld: 2, maxOpen: 2 });
    held.started('s1', 'T1');
    held.started('s2', 'T2');
    held.hold(call('T1', 'a'));
    held.hold(call('T2', 'b'));
    held.hold(call('T2', 'c'));
    expect(recorded).toEqual(['a:-']);
    expect(early).toEqual([['held_cap', 1]]);
    held.started('s3', 'T3');
    expect(early).toEqual([['held_cap', 1], ['open_cap', 1]]);
    // s1 (T1) was forgotten: T1 no longer holds.
    expect(held.hold(call('T1', 'd'))).toBe(false);
    expect(held.size).toBe(2);
  });

  it('records calls held past maxHoldMs at the next settle, and everything on recordAll', () => {
    const { held, recorded, early, advance } = setup({ maxHoldMs: 60_000 });
    held.started('never-ends', 'T1');
    held.started('also-open', 'T2');
    held.hold(call('T1', 'a'));
    advance(30_000);
    held.hold(call('T2', 'b'));
    advance(30_000);
    held.settle('T3');
    expect(recorded).toEqual(['a:-']);
    expect(early).toEqual([['timeout', 1]]);
    held.recordAll();
    expect(recorded).toEqual(['a:-', 'b:-']);
    expect(held.size).toBe(0);
  });

  describe('with no other span ending (an idle app)', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('records a call held past maxHoldMs from its own timer, which is gone once nothing is held', () => {
      vi.useFakeTimers();
      const recorded: string[] = [];
      const early: Array<[EarlyReason, number]> = [];
      const held = new HeldCalls({
        maxOpen: 100,
        maxHeld: 100,
        maxHoldMs: 60_000,
        clock: Date.now,
        record: (c) => recorded.push(c.spanId),
        onEarly: (reason, n) => early.push([reason, n]),
      });
      held.started('never-ends', 'T1');
      held.hold(call('T1', 'a'));
      vi.advanceTimersByTime(20_000);
      held.hold(call('T1', 'b'));
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(39_999);
      expect(recorded).toEqual([]);
      // The oldest call's 60 s are up: the trace's calls are recorded together, nothing is left armed.
      vi.advanceTimersByTime(1);
      expect(recorded).toEqual(['a', 'b']);
      expect(early).toEqual([['timeout', 2]]);
      expect(vi.getTimerCount()).toBe(0);
      held.close();
      expect(recorded).toEqual(['a', 'b']);
    });
  });
});
