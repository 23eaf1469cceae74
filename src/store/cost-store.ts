// Data access of the durable store. Every flush is one transaction (ledger blocks, rollups,
// sketches, budget spend), so a crash leaves either all of a flush or none of it.
import type { Totals } from '../analytics/aggregate.js';
import type { HeavyHitter } from '../analytics/space-saving.js';
import type { Resolution } from '../analytics/windows.js';
import type { SqliteDatabase } from './open-database.js';
import { BlockLedger } from './block-ledger.js';
import { ChunkedInsert } from './chunked-insert.js';
import { LegacyLedger } from './legacy-ledger.js';
import type { CallFilter, Ledger } from './ledger.js';
import type { LedgerCall } from './ledger-call.js';
import type { SealedBlock } from './pending-blocks.js';
import { SessionRollups } from './session-rollups.js';
import type { SessionSummary } from './session-rollups.js';
import { SessionTail } from './session-tail.js';
import { decodeSketch, encodeSketch, sketchFromJson } from './sketch-codec.js';

export type { LedgerCall, PendingCall } from './ledger-call.js';
export type { SealedBlock } from './pending-blocks.js';

export interface RollupRow extends Totals {
  res: Resolution;
  bucket: number;
  series: string;
}

export interface BudgetSpendRow {
  budget: string;
  res: 'd' | 'm';
  bucket: number;
  spent: number;
}

export interface BudgetEventRow {
  budget: string;
  periodKey: string;
  level: string;
  threshold: number;
  firedMs: number;
}

export interface SketchSnapshot {
  kind: 'session' | 'user';
  entries: HeavyHitter[];
}

export interface FlushBatch {
  /** The calls recorded since the last flush, as blocks (PendingBlocks). */
  blocks: readonly SealedBlock[];
  rollups: RollupRow[];
  /** Sketches that changed since the last flush, whole. */
  sketches: SketchSnapshot[];
  budgetSpend: BudgetSpendRow[];
}

const ROLLUP_COLUMNS = `res, bucket, series, calls, priced_calls AS pricedCalls, errors, cost_usd AS costUsd,
  input_tokens AS inputTokens, cache_read_tokens AS cacheReadTokens, cache_write_tokens AS cacheWriteTokens,
  output_tokens AS outputTokens, reasoning_tokens AS reasoningTokens, duration_ms_sum AS durationMsSum`;

function fillRollupRow(a: unknown[], at: number, r: RollupRow): void {
  a[at] = r.res;
  a[at + 1] = r.bucket;
  a[at + 2] = r.series;
  a[at + 3] = r.calls;
  a[at + 4] = r.pricedCalls;
  a[at + 5] = r.errors;
  a[at + 6] = r.costUsd;
  a[at + 7] = r.inputTokens;
  a[at + 8] = r.cacheReadTokens;
  a[at + 9] = r.cacheWriteTokens;
  a[at + 10] = r.outputTokens;
  a[at + 11] = r.reasoningTokens;
  a[at + 12] = r.durationMsSum;
}

export class CostStore {
  private readonly ledger: Ledger;
  private readonly upsertRollups;
  private readonly putSketch;
  private readonly upsertBudget;
  private readonly flushTx;
  private readonly sessions: SessionRollups;

  constructor(readonly db: SqliteDatabase, readonly readOnly: boolean) {
    // A read-only open leaves a schema-1 file as it is (a writable open has upgraded it).
    const v1 = db.pragma('user_version', { simple: true }) === 1;
    const tail = v1 ? undefined : new SessionTail(db);
    this.ledger = tail === undefined ? new LegacyLedger(db) : new BlockLedger(db, (id, block, sessions) => tail.appended(id, block, sessions));
    this.sessions = new SessionRollups(db, readOnly, tail);
    if (readOnly) {
      // Statements that write are never prepared on a read-only connection.
      this.upsertRollups = this.putSketch = this.upsertBudget = undefined;
      this.flushTx = undefined;
      return;
    }
    this.upsertRollups = new ChunkedInsert<RollupRow>(db, `INSERT OR REPLACE INTO rollup (res, bucket, series, calls, priced_calls, errors,
      cost_usd, input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, duration_ms_sum)`, 13, fillRollupRow);
    this.putSketch = db.prepare('INSERT OR REPLACE INTO sketch (kind, entries) VALUES (?, ?)');
    this.upsertBudget = db.prepare('INSERT OR REPLACE INTO budget_spend (budget, res, bucket, spent) VALUES (?, ?, ?, ?)');
    this.flushTx = db.transaction((batch: FlushBatch) => this.writeBatch(batch));
  }

  private writeBatch(batch: FlushBatch): void {
    this.ledger.appendBlocks(batch.blocks);
    this.sessions.afterAppend();
    this.upsertRollups!.run(batch.rollups);
    for (const s of batch.sketches) this.putSketch!.run(s.kind, encodeSketch(s.entries));
    for (const b of batch.budgetSpend) this.upsertBudget!.run(b.budget, b.res, b.bucket, b.spent);
  }

  /** Writes one flush atomically (a single WAL transaction). Throws on failure; nothing is half-written. */
  flush(batch: FlushBatch): void {
    this.committing(() => this.flushTx!(batch));
  }

  /** Runs a transaction that may fold session rollups, telling them whether it committed. */
  private committing(tx: () => void): void {
    try {
      tx();
    } catch (err) {
      this.sessions.rolledBack();
      throw err;
    }
    this.sessions.committed();
  }

  loadRollups(minMinute: number, minHour: number): RollupRow[] {
    return this.db.prepare(`SELECT ${ROLLUP_COLUMNS} FROM rollup
      WHERE (res = 'm' AND bucket >= ?) OR (res = 'h' AND bucket >= ?) OR res = 'd'`).all(minMinute, minHour) as RollupRow[];
  }

  loadSketch(kind: 'session' | 'user'): HeavyHitter[] {
    const row = this.db.prepare('SELECT entries FROM sketch WHERE kind = ?').get(kind) as { entries: Uint8Array | string } | undefined;
    if (row === undefined) return [];
    // Text: a schema-1 store opened read-only.
    return typeof row.entries === 'string' ? sketchFromJson(row.entries) : decodeSketch(row.entries);
  }

  loadBudgetSpend(budget: string): BudgetSpendRow[] {
    return this.db.prepare('SELECT budget, res, bucket, spent FROM budget_spend WHERE budget = ? ORDER BY res, bucket').all(budget) as BudgetSpendRow[];
  }

  /** Replaces all stored spend of a budget in one transaction (after a rebuild). */
  replaceBudgetSpend(budget: string, rows: readonly BudgetSpendRow[]): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM budget_spend WHERE budget = ?').run(budget);
      for (const r of rows) this.upsertBudget!.run(r.budget, r.res, r.bucket, r.spent);
    })();
  }

  loadEvents(): BudgetEventRow[] {
    return this.db.prepare(`SELECT budget, period_key AS periodKey, level, threshold, fired_ms AS firedMs FROM budget_event`).all() as BudgetEventRow[];
  }

  /** Records a fired event durably (its own transaction) before it is reported. */
  insertEvent(e: BudgetEventRow): void {
    this.db.prepare('INSERT OR IGNORE INTO budget_event (budget, period_key, level, threshold, fired_ms) VALUES (?, ?, ?, ?, ?)')
      .run(e.budget, e.periodKey, e.level, e.threshold, e.firedMs);
  }

  deleteEvent(budget: string, periodKey: string, level: string, threshold: number): void {
    this.db.prepare('DELETE FROM budget_event WHERE budget = ? AND period_key = ? AND level = ? AND threshold = ?').run(budget, periodKey, level, threshold);
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  /** Ledger calls with ts >= fromMs (optionally of one session), oldest first, ties in insertion order. */
  calls(fromMs: number, sessionId?: string, limit = 100_000): LedgerCall[] {
    return this.snapshot(() => {
      let filter: CallFilter = { fromMs, toMs: Infinity };
      if (sessionId !== undefined) {
        // The session's time span bounds the scan: only blocks overlapping it are decoded.
        const s = this.sessions.summary(sessionId);
        if (s === undefined) return [];
        filter = { fromMs: Math.max(fromMs, s.firstMs), toMs: s.lastMs, sessionId };
      }
      const out: LedgerCall[] = [];
      // As SQL's LIMIT: 0 is none, a negative limit is no limit.
      if (limit === 0) return out;
      for (const c of this.ledger.scan(filter)) {
        out.push(c);
        if (out.length === limit) break;
      }
      return out;
    });
  }

  /** Totals of one session, or undefined when it has no calls in retention. */
  session(id: string): SessionSummary | undefined {
    return this.snapshot(() => this.sessions.summary(id));
  }

  /** Iterates ledger calls with ts >= fromMs, oldest first (budget rebuilds). */
  iterateCalls(fromMs: number): Generator<LedgerCall> {
    return this.ledger.scan({ fromMs, toMs: Infinity });
  }

  /** Exact cost and call count per session id. */
  sessionTotals(ids: readonly string[]): Map<string, { costUsd: number; calls: number }> {
    return this.snapshot(() => this.sessions.totals(ids));
  }

  /**
   * Runs a read of several statements in one transaction, so that a fold or prune committed
   * by another connection meanwhile (a live collector under the report CLI) is seen whole or not at all.
   */
  private snapshot<T>(read: () => T): T {
    return this.db.transaction(read)();
  }

  ledgerTotals(): { calls: number; costUsd: number } {
    return this.ledger.totals();
  }

  /** Retention: deletes ledger calls older than `beforeMs` and expired fine-grained rollups. */
  prune(ledgerBeforeMs: number, minuteBeforeMs: number, hourBeforeMs: number): void {
    this.committing(this.db.transaction(() => {
      // The session rollups take the calls about to be pruned first.
      this.sessions.fold();
      this.ledger.prune(ledgerBeforeMs);
      this.sessions.prune(ledgerBeforeMs);
      this.db.prepare("DELETE FROM rollup WHERE res = 'm' AND bucket < ?").run(minuteBeforeMs);
      this.db.prepare("DELETE FROM rollup WHERE res = 'h' AND bucket < ?").run(hourBeforeMs);
    }));
  }

  pruneBudget(budget: string, res: 'd' | 'm', beforeBucket: number): void {
    this.db.prepare('DELETE FROM budget_spend WHERE budget = ? AND res = ? AND bucket < ?').run(budget, res, beforeBucket);
  }

  close(): void {
    this.db.close();
  }
}
