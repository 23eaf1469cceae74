// The ledger of schema 2: calls in blocks (ledger-format.ts) of up to BLOCK_CALLS calls, so a
// flush writes one row per chunk of calls instead of one per call.
import type { LedgerCall, LedgerRow } from './ledger-call.js';
import type { CallFilter, Ledger } from './ledger.js';
import type { SqliteDatabase } from './open-database.js';
import { LedgerBlockReader } from './ledger-block-reader.js';
import { LedgerBlockWriter } from './ledger-block-writer.js';
import type { BlockSessionInputs, EncodedBlock } from './ledger-block-writer.js';
import { FIELD } from './ledger-format.js';
import { orderedCalls } from './ordered-calls.js';
import type { BlockRow } from './ordered-calls.js';
import type { SealedBlock } from './pending-blocks.js';
import { SqliteSum } from './sqlite-sum.js';

/**
 * Calls per block at most. A block is then ~100 KB, under glibc's mmap threshold (128 KB): SQLite's
 * copy of each bound or read blob of 4096 calls was above it, and fragmented the heap (+20 MB RSS
 * over 1M calls with distinct sessions).
 */
export const BLOCK_CALLS = 1024;

/** Told of each block appended, inside its transaction. */
export type AppendListener = (id: number, data: Buffer, sessions: BlockSessionInputs | undefined) => void;

export class BlockLedger implements Ledger {
  private readonly writer = new LedgerBlockWriter(BLOCK_CALLS);
  private readonly insert;
  private readonly update;
  private readonly remove;
  private readonly removeBefore;
  /** Blocks with calls at or after a time but starting before it. */
  private readonly straddling;
  /** Blocks starting in [from, to]. */
  private readonly starting;
  private readonly all;

  constructor(db: SqliteDatabase, private readonly onAppend?: AppendListener) {
    this.insert = db.prepare('INSERT INTO ledger_block (first_ms, last_ms, calls, cost_usd, data) VALUES (?, ?, ?, ?, ?)');
    this.update = db.prepare('UPDATE ledger_block SET first_ms = ?, last_ms = ?, calls = ?, cost_usd = ?, data = ? WHERE id = ?');
    this.remove = db.prepare('DELETE FROM ledger_block WHERE id = ?');
    this.removeBefore = db.prepare('DELETE FROM ledger_block WHERE last_ms < ?');
    this.straddling = db.prepare(`SELECT id, first_ms AS firstMs, data FROM ledger_block INDEXED BY ledger_block_last
      WHERE last_ms >= ? AND first_ms < ?`);
    this.starting = db.prepare(`SELECT id, first_ms AS firstMs, data FROM ledger_block INDEXED BY ledger_block_first
      WHERE first_ms >= ? AND first_ms <= ? ORDER BY first_ms, id`);
    this.all = db.prepare('SELECT data FROM ledger_block ORDER BY id');
  }

  appendBlocks(blocks: readonly SealedBlock[]): void {
    for (const b of blocks) this.write(b);
  }

  appendRows(rows: readonly LedgerRow[]): void {
    this.appendEach(rows, (r) => this.writer.addRow(r));
  }

  scan(filter: CallFilter): Generator<LedgerCall> {
    return orderedCalls(this.blocks(filter), filter);
  }

  /** Blocks that may hold calls of [fromMs, toMs], by first_ms. */
  private *blocks({ fromMs, toMs }: CallFilter): Generator<BlockRow> {
    // Few blocks straddle a time: sorted here rather than by SQLite, which would copy their data.
    yield* (this.straddling.all(fromMs, fromMs) as BlockRow[]).sort((a, b) => a.firstMs - b.firstMs || a.id - b.id);
    // Iterated from inside this generator so that closing it early also ends the statement.
    yield* this.starting.iterate(fromMs, toMs) as Iterable<BlockRow>;
  }

  totals(): { calls: number; costUsd: number } {
    let calls = 0;
    const sum = new SqliteSum();
    for (const { data } of this.all.iterate() as Iterable<{ data: Uint8Array }>) {
      const reader = new LedgerBlockReader(data);
      calls += reader.count;
      const cost = reader.column(FIELD.costUsd);
      for (let i = 0; i < cost.length; i++) if (!Number.isNaN(cost[i])) sum.add(cost[i] as number);
    }
    return { calls, costUsd: sum.value() ?? 0 };
  }

  prune(beforeMs: number): void {
    this.removeBefore.run(beforeMs);
    // A block straddling the cutoff is rewritten without its older calls (same id: insertion order is kept).
    for (const block of this.straddling.all(beforeMs, beforeMs) as BlockRow[]) {
      const kept = this.rewrite(new LedgerBlockReader(block.data), beforeMs);
      if (kept.calls === 0) this.remove.run(block.id);
      else this.update.run(kept.firstMs, kept.lastMs, kept.calls, kept.costUsd, kept.data, block.id);
    }
  }

  private rewrite(reader: LedgerBlockReader, beforeMs: number): EncodedBlock {
    const ts = reader.column(FIELD.tsMs);
    try {
      for (let i = 0; i < reader.count; i++) if (!((ts[i] as number) < beforeMs)) this.writer.addRow(reader.row(i));
      return this.writer.finish();
    } catch (err) {
      this.writer.discard();
      throw err;
    }
  }

  /** Writes `items` in blocks of BLOCK_CALLS, in order. */
  private appendEach<T>(items: readonly T[], add: (item: T) => void): void {
    try {
      for (let i = 0; i < items.length;) {
        const end = Math.min(items.length, i + BLOCK_CALLS);
        for (; i < end; i++) add(items[i] as T);
        this.write(this.writer.finish());
      }
    } catch (err) {
      this.writer.discard();
      throw err;
    }
  }

  private write(b: SealedBlock | EncodedBlock): void {
    const { lastInsertRowid } = this.insert.run(b.firstMs, b.lastMs, b.calls, b.costUsd, b.data);
    this.onAppend?.(Number(lastInsertRowid), b.data, 'sessions' in b ? b.sessions : undefined);
  }
}
