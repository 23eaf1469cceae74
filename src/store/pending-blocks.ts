// Calls waiting for the next flush, encoded into ledger blocks as they are recorded. Holding
// the PricedCall objects until the flush (a second or more) got them promoted to the old
// generation, where collecting them cost more than everything else the store does; a block
// is one off-heap buffer.
import type { PricedCall } from '../types.js';
import { BLOCK_CALLS } from './block-ledger.js';
import type { PendingCall } from './ledger-call.js';
import { LedgerBlockWriter } from './ledger-block-writer.js';
import type { BlockSessionInputs } from './ledger-block-writer.js';

/** An encoded block that owns its bytes (ledger-format.ts), with the summary its row stores. */
export interface SealedBlock {
  data: Buffer;
  calls: number;
  firstMs: number;
  lastMs: number;
  costUsd: number;
  /** Its session columns while it waits in memory, so the session tail need not decode it. */
  sessions?: BlockSessionInputs;
}

export class PendingBlocks {
  private readonly writer = new LedgerBlockWriter(BLOCK_CALLS);
  private sealed: SealedBlock[] = [];
  private sealedCalls = 0;

  /** Calls held, sealed or not. */
  get calls(): number {
    return this.sealedCalls + this.writer.count;
  }

  add(ts: number, durationMs: number, call: PricedCall): void {
    this.writer.addCall(ts, durationMs, call);
    if (this.writer.count >= BLOCK_CALLS) this.seal();
  }

  /** All held calls as blocks, oldest first, handed over (give them back with restore() if they were not written). */
  take(): SealedBlock[] {
    this.seal();
    const blocks = this.sealed;
    this.sealed = [];
    this.sealedCalls = 0;
    return blocks;
  }

  /** Puts back blocks take() returned, ahead of anything added since. */
  restore(blocks: readonly SealedBlock[]): void {
    this.seal();
    // Blocks held through a store outage keep only their bytes: the tail decodes them when written.
    const bare = blocks.map(({ sessions: _sessions, ...b }) => b);
    this.sealed = [...bare, ...this.sealed];
    this.sealedCalls = this.sealed.reduce((n, b) => n + b.calls, 0);
  }

  /**
   * Drops the oldest sealed blocks while more than `max` calls are held; returns the calls
   * dropped. Whole blocks go: up to BLOCK_CALLS - 1 calls more than `max` may stay.
   */
  dropOldest(max: number): number {
    let dropped = 0;
    if (this.calls > max && this.sealed.length === 0) this.seal();
    while (this.calls > max && this.sealed.length > 0) {
      const b = this.sealed.shift()!;
      this.sealedCalls -= b.calls;
      dropped += b.calls;
    }
    return dropped;
  }

  private seal(): void {
    if (this.writer.count === 0) return;
    const b = this.writer.finish();
    this.sealed.push({ data: Buffer.from(b.data), calls: b.calls, firstMs: b.firstMs, lastMs: b.lastMs, costUsd: b.costUsd, sessions: this.writer.sessionInputs() });
    this.sealedCalls += b.calls;
  }
}

/** Test and tool helper: calls as the sealed blocks a flush writes. */
export function sealCalls(calls: readonly PendingCall[]): SealedBlock[] {
  const pending = new PendingBlocks();
  for (const c of calls) pending.add(c.ts, c.durationMs, c.call);
  return pending.take();
}
