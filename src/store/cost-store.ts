// Data access of the durable store. All writes go through write(): each is one transaction
// (a flush writes calls, rollups, sketches and budget spend together), so a crash leaves either
// all of it or none of it, and a failed write throws from one place.
import { Ledger } from './ledger.js';
import type { LedgerPage, LedgerPageQuery, SessionCost } from './ledger.js';
import type { BudgetEventRow, BudgetSpendRow, FlushBatch, RollupRow, SessionSummary, StoredHeavyHitter } from './rows.js';
import type { SqliteDatabase } from './sqlite.js';

const ROLLUP_COLUMNS = `res, bucket, series, calls, priced_calls AS pricedCalls, errors, cost_usd AS costUsd,
  input_tokens AS inputTokens, cache_read_tokens AS cacheReadTokens, cache_write_tokens AS cacheWriteTokens,
  output_tokens AS outputTokens, reasoning_tokens AS reasoningTokens, duration_ms_sum AS durationMsSum, cache_savings_usd AS cacheSavingsUsd`;

export class CostStore {
  private readonly ledger: Ledger;

  constructor(readonly db: SqliteDatabase, readonly readOnly: boolean) {
    this.ledger = new Ledger(db, readOnly);
  }

  /** The one place the store writes: `fn` runs in a write transaction, all or nothing. */
  private write(fn: () => void): void {
    if (this.readOnly) throw new Error('otel-llm-cost store: opened read-only');
    this.db.transaction('write', fn);
  }

  /** Writes one flush atomically. Throws on failure; nothing is half-written. */
  flush(batch: FlushBatch): void {
    this.write(() => {
      this.ledger.append(batch.calls);
      const rollup = this.db.prepare(`INSERT OR REPLACE INTO rollup (res, bucket, series, calls, priced_calls, errors, cost_usd,
        input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, duration_ms_sum, cache_savings_usd)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      for (const r of batch.rollups) {
        rollup.run(r.res, r.bucket, r.series, r.calls, r.pricedCalls, r.errors, r.costUsd, r.inputTokens, r.cacheReadTokens,
          r.cacheWriteTokens, r.outputTokens, r.reasoningTokens, r.durationMsSum, r.cacheSavingsUsd);
      }
      for (const s of batch.sketches) {
        this.db.prepare('INSERT OR REPLACE INTO sketch (kind, entries) VALUES (?, ?)').run(s.kind, JSON.stringify(s.entries));
      }
      this.putSpend(batch.budgetSpend);
    });
  }

  private putSpend(rows: readonly BudgetSpendRow[]): void {
    const put = this.db.prepare('INSERT OR REPLACE INTO budget_spend (budget, res, bucket, spent) VALUES (?, ?, ?, ?)');
    for (const b of rows) put.run(b.budget, b.res, b.bucket, b.spent);
  }

  loadRollups(minMinute: number, minHour: number): RollupRow[] {
    return this.db.prepare(`SELECT ${ROLLUP_COLUMNS} FROM rollup
      WHERE (res = 'm' AND bucket >= ?) OR (res = 'h' AND bucket >= ?) OR res = 'd'`).all(minMinute, minHour) as unknown as RollupRow[];
  }

  loadSketch(kind: 'session' | 'user'): StoredHeavyHitter[] {
    const row = this.db.prepare('SELECT entries FROM sketch WHERE kind = ?').get(kind);
    return row === undefined ? [] : (JSON.parse(row.entries as string) as StoredHeavyHitter[]);
  }

  loadBudgetSpend(budget: string): BudgetSpendRow[] {
    return this.db.prepare('SELECT budget, res, bucket, spent FROM budget_spend WHERE budget = ? ORDER BY res, bucket').all(budget) as unknown as BudgetSpendRow[];
  }

  /** Replaces all stored spend of a budget in one transaction (after a rebuild). */
  replaceBudgetSpend(budget: string, rows: readonly BudgetSpendRow[]): void {
    this.write(() => {
      this.db.prepare('DELETE FROM budget_spend WHERE budget = ?').run(budget);
      this.putSpend(rows);
    });
  }

  loadEvents(): BudgetEventRow[] {
    return this.db.prepare('SELECT budget, period_key AS periodKey, level, threshold, fired_ms AS firedMs FROM budget_event').all() as unknown as BudgetEventRow[];
  }

  /** Records a fired event durably before it is reported. */
  insertEvent(e: BudgetEventRow): void {
    this.write(() => {
      this.db.prepare('INSERT OR IGNORE INTO budget_event (budget, period_key, level, threshold, fired_ms) VALUES (?, ?, ?, ?, ?)')
        .run(e.budget, e.periodKey, e.level, e.threshold, e.firedMs);
    });
  }

  deleteEvent(budget: string, periodKey: string, level: string, threshold: number): void {
    this.write(() => {
      this.db.prepare('DELETE FROM budget_event WHERE budget = ? AND period_key = ? AND level = ? AND threshold = ?').run(budget, periodKey, level, threshold);
    });
  }

  getMeta(key: string): string | undefined {
    return this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key)?.value as string | undefined;
  }

  setMeta(key: string, value: string): void {
    this.write(() => {
      this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
    });
  }

  /** One page of ledger calls in (time, insertion) order. */
  page(q: LedgerPageQuery): LedgerPage {
    return this.ledger.page(q);
  }

  /** Totals of one session, or undefined when it has no calls in retention (one snapshot). */
  session(id: string): SessionSummary | undefined {
    return this.db.transaction('read', () => this.ledger.session(id));
  }

  /** Exact cost, call count and unpriced call count per session id (one snapshot). */
  sessionTotals(ids: readonly string[]): Map<string, SessionCost> {
    return this.db.transaction('read', () => this.ledger.sessionCosts(ids));
  }

  /** Retention: deletes ledger calls older than `ledgerBeforeMs` and expired fine-grained rollups. */
  prune(ledgerBeforeMs: number, minuteBeforeMs: number, hourBeforeMs: number): void {
    this.write(() => {
      this.ledger.prune(ledgerBeforeMs);
      this.db.prepare("DELETE FROM rollup WHERE res = 'm' AND bucket < ?").run(minuteBeforeMs);
      this.db.prepare("DELETE FROM rollup WHERE res = 'h' AND bucket < ?").run(hourBeforeMs);
    });
  }

  pruneBudget(budget: string, res: 'd' | 'm', beforeBucket: number): void {
    this.write(() => {
      this.db.prepare('DELETE FROM budget_spend WHERE budget = ? AND res = ? AND bucket < ?').run(budget, res, beforeBucket);
    });
  }

  close(): void {
    this.db.close();
  }
}
