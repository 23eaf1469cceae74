// Data access of the durable store. Every flush is one transaction (ledger rows, rollups,
// sketches, budget spend), so a crash leaves either all of a flush or none of it.
import type { Totals } from '../analytics/aggregate.js';
import type { HeavyHitter } from '../analytics/space-saving.js';
import type { Resolution } from '../analytics/windows.js';
import type { PricedCall } from '../types.js';
import type { SqliteDatabase } from './open-database.js';
import { ChunkedInsert } from './chunked-insert.js';
import { SessionRollups } from './session-rollups.js';
import type { SessionSummary } from './session-rollups.js';

export interface PendingCall {
  ts: number;
  durationMs: number;
  call: PricedCall;
}

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
  calls: PendingCall[];
  rollups: RollupRow[];
  /** Sketches that changed since the last flush, whole. */
  sketches: SketchSnapshot[];
  budgetSpend: BudgetSpendRow[];
}

/** One ledger row as returned by queries. */
export interface LedgerCall {
  tsMs: number;
  traceId: string;
  spanId: string;
  sessionId: string | null;
  userId: string | null;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  operation: string | null;
  service: string;
  agent: string | null;
  error: string | null;
  priced: boolean;
  costUsd: number | null;
  inputCost: number | null;
  cacheReadCost: number | null;
  cacheWriteCost: number | null;
  outputCost: number | null;
  reasoningCost: number | null;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  durationMs: number;
  dimensions: Record<string, string>;
}

const LEDGER_COLUMNS = `ts_ms AS tsMs, trace_id AS traceId, span_id AS spanId, session_id AS sessionId, user_id AS userId,
  provider, request_model AS requestModel, response_model AS responseModel, operation, service, agent, error, priced,
  cost_usd AS costUsd, input_cost AS inputCost, cache_read_cost AS cacheReadCost, cache_write_cost AS cacheWriteCost,
  output_cost AS outputCost, reasoning_cost AS reasoningCost, input_tokens AS inputTokens,
  cache_read_tokens AS cacheReadTokens, cache_write_tokens AS cacheWriteTokens, output_tokens AS outputTokens,
  reasoning_tokens AS reasoningTokens, duration_ms AS durationMs, dimensions`;

const ROLLUP_COLUMNS = `res, bucket, series, calls, priced_calls AS pricedCalls, errors, cost_usd AS costUsd,
  input_tokens AS inputTokens, cache_read_tokens AS cacheReadTokens, cache_write_tokens AS cacheWriteTokens,
  output_tokens AS outputTokens, reasoning_tokens AS reasoningTokens, duration_ms_sum AS durationMsSum`;

type Row = Record<string, unknown>;

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : v === undefined || v === null ? null : String(v);
}

function real(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function toLedgerCall(r: Row): LedgerCall {
  const dims = r.dimensions;
  return {
    ...(r as unknown as LedgerCall),
    priced: r.priced === 1,
    dimensions: typeof dims === 'string' ? (JSON.parse(dims) as Record<string, string>) : {},
  };
}

/** The sketch as a JSON array of [id, weight, error, calls, firstMs, lastMs]. */
export function sketchJson(entries: readonly HeavyHitter[]): string {
  return JSON.stringify(entries.map((h) => [h.id, h.weight, h.error, h.calls, h.firstMs, h.lastMs]));
}

function hasOwnKeys(o: object): boolean {
  for (const key in o) if (Object.hasOwn(o, key)) return true;
  return false;
}

/** One ledger row's 26 values. Bad data never fails a write (a failing row would be retried forever): coerce it. */
function fillLedgerRow(a: unknown[], at: number, { ts, durationMs, call }: PendingCall): void {
  const c = call.costs;
  const k = call.tokens;
  const dims = call.dimensions;
  const dimsJson = dims !== undefined && dims !== null && hasOwnKeys(dims) ? JSON.stringify(dims) : null;
  const priced = call.priced;
  a[at] = ts;
  a[at + 1] = str(call.traceId) ?? '';
  a[at + 2] = str(call.spanId) ?? '';
  a[at + 3] = str(call.sessionId);
  a[at + 4] = str(call.userId);
  a[at + 5] = str(call.provider);
  a[at + 6] = str(call.requestModel);
  a[at + 7] = str(call.responseModel);
  a[at + 8] = str(call.operation);
  a[at + 9] = str(call.serviceName) ?? 'unknown_service';
  a[at + 10] = str(call.agentName);
  a[at + 11] = str(call.error);
  a[at + 12] = priced ? 1 : 0;
  a[at + 13] = priced ? real(call.costUsd) : null;
  a[at + 14] = real(c?.input);
  a[at + 15] = real(c?.cacheRead);
  a[at + 16] = real(c?.cacheWrite);
  a[at + 17] = real(c?.output);
  a[at + 18] = real(c?.reasoning);
  a[at + 19] = real(k?.input) ?? 0;
  a[at + 20] = real(k?.cacheRead) ?? 0;
  a[at + 21] = real(k?.cacheWrite) ?? 0;
  a[at + 22] = real(k?.output) ?? 0;
  a[at + 23] = real(k?.reasoning) ?? 0;
  a[at + 24] = real(durationMs) ?? 0;
  a[at + 25] = dimsJson;
}

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
  private readonly insertCalls;
  private readonly upsertRollups;
  private readonly putSketch;
  private readonly upsertBudget;
  private readonly flushTx;
  private readonly sessions: SessionRollups;

  constructor(readonly db: SqliteDatabase, readonly readOnly: boolean) {
    this.sessions = new SessionRollups(db, readOnly);
    if (readOnly) {
      // Statements that write are never prepared on a read-only connection.
      this.insertCalls = this.upsertRollups = this.putSketch = this.upsertBudget = undefined;
      this.flushTx = undefined;
      return;
    }
    this.insertCalls = new ChunkedInsert<PendingCall>(db, `INSERT INTO ledger (ts_ms, trace_id, span_id, session_id, user_id, provider,
      request_model, response_model, operation, service, agent, error, priced, cost_usd, input_cost, cache_read_cost,
      cache_write_cost, output_cost, reasoning_cost, input_tokens, cache_read_tokens, cache_write_tokens,
      output_tokens, reasoning_tokens, duration_ms, dimensions)`, 26, fillLedgerRow);
    this.upsertRollups = new ChunkedInsert<RollupRow>(db, `INSERT OR REPLACE INTO rollup (res, bucket, series, calls, priced_calls, errors,
      cost_usd, input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, duration_ms_sum)`, 13, fillRollupRow);
    this.putSketch = db.prepare('INSERT OR REPLACE INTO sketch (kind, entries) VALUES (?, ?)');
    this.upsertBudget = db.prepare('INSERT OR REPLACE INTO budget_spend (budget, res, bucket, spent) VALUES (?, ?, ?, ?)');
    this.flushTx = db.transaction((batch: FlushBatch) => this.writeBatch(batch));
  }

  private writeBatch(batch: FlushBatch): void {
    this.insertCalls!.run(batch.calls);
    this.sessions.write(batch.calls);
    this.upsertRollups!.run(batch.rollups);
    for (const s of batch.sketches) this.putSketch!.run(s.kind, sketchJson(s.entries));
    for (const b of batch.budgetSpend) this.upsertBudget!.run(b.budget, b.res, b.bucket, b.spent);
  }

  /** Writes one flush atomically (a single WAL transaction). Throws on failure; nothing is half-written. */
  flush(batch: FlushBatch): void {
    try {
      this.flushTx!(batch);
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
    const row = this.db.prepare('SELECT entries FROM sketch WHERE kind = ?').get(kind) as { entries: string } | undefined;
    if (row === undefined) return [];
    const entries = JSON.parse(row.entries) as [string, number, number, number, number, number][];
    return entries.map(([id, weight, error, calls, firstMs, lastMs]) => ({ id, weight, error, calls, firstMs, lastMs }));
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

  /** Ledger rows with ts >= fromMs (optionally of one session), oldest first. */
  calls(fromMs: number, sessionId?: string, limit = 100_000): LedgerCall[] {
    if (sessionId === undefined) {
      return (this.db.prepare(`SELECT ${LEDGER_COLUMNS} FROM ledger WHERE ts_ms >= ? ORDER BY ts_ms, id LIMIT ?`).all(fromMs, limit) as Row[]).map(toLedgerCall);
    }
    // The session's time span bounds the scan (through the ts index).
    const s = this.sessions.summary(sessionId);
    if (s === undefined) return [];
    return (this.db.prepare(`SELECT ${LEDGER_COLUMNS} FROM ledger WHERE ts_ms >= ? AND ts_ms <= ? AND session_id = ? ORDER BY ts_ms, id LIMIT ?`)
      .all(Math.max(fromMs, s.firstMs), s.lastMs, sessionId, limit) as Row[]).map(toLedgerCall);
  }

  /** Totals of one session, or undefined when it has no calls in retention. */
  session(id: string): SessionSummary | undefined {
    return this.sessions.summary(id);
  }

  /** Iterates ledger rows with ts >= fromMs, oldest first (budget rebuilds). */
  *iterateCalls(fromMs: number): Generator<LedgerCall> {
    for (const r of this.db.prepare(`SELECT ${LEDGER_COLUMNS} FROM ledger WHERE ts_ms >= ? ORDER BY ts_ms, id`).iterate(fromMs)) {
      yield toLedgerCall(r as Row);
    }
  }

  /** Exact cost and call count per session id. */
  sessionTotals(ids: readonly string[]): Map<string, { costUsd: number; calls: number }> {
    return this.sessions.totals(ids);
  }

  ledgerTotals(): { calls: number; costUsd: number } {
    return this.db.prepare('SELECT COUNT(*) AS calls, COALESCE(SUM(cost_usd), 0) AS costUsd FROM ledger').get() as { calls: number; costUsd: number };
  }

  /** Retention: deletes ledger rows older than `beforeMs` and expired fine-grained rollups. */
  prune(ledgerBeforeMs: number, minuteBeforeMs: number, hourBeforeMs: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM ledger WHERE ts_ms < ?').run(ledgerBeforeMs);
      this.sessions.prune(ledgerBeforeMs);
      this.db.prepare("DELETE FROM rollup WHERE res = 'm' AND bucket < ?").run(minuteBeforeMs);
      this.db.prepare("DELETE FROM rollup WHERE res = 'h' AND bucket < ?").run(hourBeforeMs);
    })();
  }

  pruneBudget(budget: string, res: 'd' | 'm', beforeBucket: number): void {
    this.db.prepare('DELETE FROM budget_spend WHERE budget = ? AND res = ? AND bucket < ?').run(budget, res, beforeBucket);
  }

  close(): void {
    this.db.close();
  }
}
