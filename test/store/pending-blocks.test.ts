import { describe, expect, it } from 'vitest';
import { BLOCK_CALLS } from '../../src/store/block-ledger.js';
import { LedgerBlockReader } from '../../src/store/ledger-block-reader.js';
import { PendingBlocks } from '../../src/store/pending-blocks.js';
import type { PricedCall } from '../../src/types.js';
import { pricedCall } from '../analytics/factory.js';

const T0 = Date.UTC(2026, 0, 15, 12);

function spanIds(blocks: { data: Buffer }[]): string[] {
  return blocks.flatMap((b) => {
    const r = new LedgerBlockReader(b.data);
    return Array.from({ length: r.count }, (_, i) => r.call(i).spanId);
  });
}

describe('calls pending a flush, encoded as recorded', () => {
  it('seals a block every BLOCK_CALLS calls, and the rest when taken; blocks own their bytes', () => {
    const p = new PendingBlocks();
    for (let i = 0; i < BLOCK_CALLS * 2 + 5; i++) p.add(T0 + i, 10, pricedCall({ spanId: `s${i}`, costUsd: 0.5 }));
    expect(p.calls).toBe(BLOCK_CALLS * 2 + 5);
    const blocks = p.take();
    expect(blocks.map((b) => b.calls)).toEqual([BLOCK_CALLS, BLOCK_CALLS, 5]);
    expect(blocks[2]).toMatchObject({ firstMs: T0 + 2 * BLOCK_CALLS, lastMs: T0 + 2 * BLOCK_CALLS + 4, costUsd: 2.5 });
    expect(p.calls).toBe(0);
    // Adding more must not overwrite what was handed over (the writer reuses its buffer).
    for (let i = 0; i < BLOCK_CALLS; i++) p.add(T0, 10, pricedCall({ spanId: 'later' }));
    expect(spanIds(blocks)).toEqual(Array.from({ length: BLOCK_CALLS * 2 + 5 }, (_, i) => `s${i}`));
  });

  it('restore() puts blocks back ahead of calls recorded since (a failed flush is retried in order)', () => {
    const p = new PendingBlocks();
    p.add(T0, 1, pricedCall({ spanId: 'a' }));
    const failed = p.take();
    p.add(T0 + 1, 1, pricedCall({ spanId: 'b' }));
    p.restore(failed);
    expect(p.calls).toBe(2);
    expect(spanIds(p.take())).toEqual(['a', 'b']);
  });

  it('dropOldest() drops whole blocks, oldest first, until at most max calls (or one open block) remain', () => {
    const p = new PendingBlocks();
    for (let i = 0; i < BLOCK_CALLS * 3; i++) p.add(T0 + i, 1, pricedCall({ spanId: `s${i}` }));
    expect(p.dropOldest(BLOCK_CALLS * 3)).toBe(0);
    expect(p.dropOldest(BLOCK_CALLS + 1)).toBe(BLOCK_CALLS * 2);
    expect(spanIds(p.take())).toEqual(Array.from({ length: BLOCK_CALLS }, (_, i) => `s${BLOCK_CALLS * 2 + i}`));
    // Under a block: the open block is sealed and dropped.
    p.add(T0, 1, pricedCall());
    p.add(T0, 1, pricedCall());
    expect(p.dropOldest(1)).toBe(2);
    expect(p.calls).toBe(0);
  });

  it('a call that throws while read leaves no row, and the next calls are intact', () => {
    const p = new PendingBlocks();
    p.add(T0, 1, pricedCall({ spanId: 'ok-1' }));
    const bad = { ...pricedCall(), agentName: { toString: () => { throw new Error('boom'); } } } as unknown as PricedCall;
    expect(() => p.add(T0, 1, bad)).toThrow('boom');
    p.add(T0, 1, pricedCall({ spanId: 'ok-2' }));
    expect(p.calls).toBe(2);
    expect(spanIds(p.take())).toEqual(['ok-1', 'ok-2']);
  });
});
