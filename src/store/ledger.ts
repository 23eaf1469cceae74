// What the store needs from a ledger, whichever schema holds it.
import type { LedgerCall, LedgerRow } from './ledger-call.js';
import type { SealedBlock } from './pending-blocks.js';

/** Calls with fromMs <= ts <= toMs, of one session when sessionId is set. */
export interface CallFilter {
  fromMs: number;
  toMs: number;
  sessionId?: string;
}

export interface Ledger {
  /** Adds a flush's calls, encoded as they were recorded (inside the flush transaction). */
  appendBlocks(blocks: readonly SealedBlock[]): void;
  /** Adds calls as stored (upgrades, rewrites). */
  appendRows(rows: readonly LedgerRow[]): void;
  /** Matching calls, oldest first, ties in insertion order (schema 1's ORDER BY ts_ms, id). */
  scan(filter: CallFilter): Generator<LedgerCall>;
  /** Number of calls and SUM of their costUsd (as SQLite sums, in insertion order). */
  totals(): { calls: number; costUsd: number };
  /** Deletes exactly the calls with ts < beforeMs (inside the caller's transaction). */
  prune(beforeMs: number): void;
}
