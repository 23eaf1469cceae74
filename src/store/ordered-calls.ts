// Merges the calls of ledger blocks into (ts, insertion) order, schema 1's ORDER BY ts_ms, id.
// Blocks arrive in first_ms order, and a block's calls are in insertion order but not in time
// order; a call is final once the next block starts after it, so only overlapping blocks are
// held at once.
import type { LedgerCall } from './ledger-call.js';
import type { CallFilter } from './ledger.js';
import { LedgerBlockReader } from './ledger-block-reader.js';
import { FIELD } from './ledger-format.js';

export interface BlockRow {
  id: number;
  firstMs: number;
  data: Uint8Array;
}

interface Entry {
  ts: number;
  /** Insertion order: block id, then position in the block. */
  block: number;
  index: number;
  reader: LedgerBlockReader;
}

function byTimeThenInsertion(a: Entry, b: Entry): number {
  return a.ts - b.ts || a.block - b.block || a.index - b.index;
}

function collect(block: BlockRow, { fromMs, toMs, sessionId }: CallFilter, into: Entry[]): void {
  const reader = new LedgerBlockReader(block.data);
  let sessions: Float64Array | undefined;
  let wanted = new Set<number>();
  if (sessionId !== undefined) {
    wanted = new Set(reader.refsOf(sessionId));
    if (wanted.size === 0) return;
    sessions = reader.column(FIELD.sessionId);
  }
  const ts = reader.column(FIELD.tsMs);
  for (let i = 0; i < reader.count; i++) {
    const t = ts[i] as number;
    if (t >= fromMs && t <= toMs && (sessions === undefined || wanted.has(sessions[i] as number))) {
      into.push({ ts: t, block: block.id, index: i, reader });
    }
  }
}

/** Yields the sorted entries with ts < before; returns the others. */
function* emitBefore(pending: Entry[], before: number): Generator<LedgerCall, Entry[]> {
  pending.sort(byTimeThenInsertion);
  let k = 0;
  for (; k < pending.length; k++) {
    const e = pending[k] as Entry;
    if (e.ts >= before) break;
    yield e.reader.call(e.index);
  }
  return pending.slice(k);
}

/** The calls of `blocks` (ordered by first_ms, then id) that match `filter`, in order. */
export function* orderedCalls(blocks: Iterable<BlockRow>, filter: CallFilter): Generator<LedgerCall> {
  let pending: Entry[] = [];
  for (const block of blocks) {
    if (pending.length > 0) pending = yield* emitBefore(pending, block.firstMs);
    collect(block, filter, pending);
  }
  pending.sort(byTimeThenInsertion);
  for (const e of pending) yield e.reader.call(e.index);
}
