// The ledger: one row per call. Writes happen inside the caller's transaction (CostStore.flush);
// reads are paged by (ts_ms, id), which the ledger_ts and ledger_session indexes serve in order.
import type { PricedCall } from '../types.js';
import type { LedgerCall, LedgerRow, SessionSummary } from './rows.js';
import type { SqlRow, SqliteDatabase, SqliteStatement } from './sqlite.js';

/** A position in (ts_ms, id) order: a page holds the rows after it. */
export interface LedgerPosition {
  tsMs: number;
  id: number;
}

export interface LedgerPageQuery {
  /** Rows with ts_ms >= fromMs. */
  fromMs: number;
  /** Only this session's rows. */
  sessionId?: string;
  /** Rows after this position; default: from the first. */
  after?: LedgerPosition;
  limit: number;
}

export interface LedgerPage {
  calls: LedgerCall[];
  /** Where the next page starts; undefined when this page reached the last row. */
  next: LedgerPosition | undefined;
}

const COLUMNS = ['ts_ms', 'trace_id', 'span_id', 'session_id', 'user_id', 'provider', 'request_model', 'response_model',
  'operation', 'service', 'agent', 'error', 'priced', 'cost_usd', 'input_cost', 'cache_read_cost', 'cache_write_cost',
  'output_cost', 'reasoning_cost', 'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens',
  'reasoning_tokens', 'duration_ms', 'service_tier', 'span_cost_usd', 'dimensions'] as const;

const SELECT = `SELECT id, ${COLUMNS.join(', ')} FROM ledger`;

/** A string as stored: odd values (numbers, objects from a bad span) become their String(). */
function text(v: unknown): string | null {
  return typeof v === 'string' ? v : v === undefined || v === null ? null : String(v);
}

/** A finite number, else null. */
function real(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/**
 * How a recorded call is kept in the ledger (ts: its end time, ms): its column values, built
 * once when the call is recorded and bound as they are at the flush. (A LedgerCall object first,
 * turned into values at the flush, cost a second allocation per call: 29.3 against 25.4 µs
 * added per LLM span by default on the realistic app bench, bench/app.bench.ts, same run.)
 */
export function ledgerRowOf(ts: number, durationMs: number, call: PricedCall): LedgerRow {
  const c = call.costs;
  const k = call.tokens;
  return [ts, text(call.traceId) ?? '', text(call.spanId) ?? '', text(call.sessionId), text(call.userId), text(call.provider),
    text(call.requestModel), text(call.responseModel), text(call.operation), text(call.serviceName) ?? 'unknown_service',
    text(call.agentName), text(call.error), call.priced ? 1 : 0, call.priced ? real(call.costUsd) : null,
    real(c?.input), real(c?.cacheRead), real(c?.cacheWrite), real(c?.output), real(c?.reasoning),
    count(k?.input), count(k?.cacheRead), count(k?.cacheWrite), count(k?.output), count(k?.reasoning),
    count(durationMs), text(call.serviceTier), real(call.spanCostUsd), dimensionsJson(call.dimensions)];
}

/** The configured dimensions as a JSON object, or null when there are none. */
function dimensionsJson(dims: Record<string, string> | undefined | null): string | null {
  if (dims === undefined || dims === null) return null;
  for (const _ in dims) return JSON.stringify(dims);
  return null;
}

function callOf(r: SqlRow): LedgerCall {
  return {
    tsMs: r.ts_ms as number,
    traceId: r.trace_id as string,
    spanId: r.span_id as string,
    sessionId: r.session_id as string | null,
    userId: r.user_id as string | null,
    provider: r.provider as string | null,
    requestModel: r.request_model as string | null,
    responseModel: r.response_model as string | null,
    operation: r.operation as string | null,
    service: r.service as string,
    agent: r.agent as string | null,
    error: r.error as string | null,
    priced: r.priced === 1,
    costUsd: r.cost_usd as number | null,
    inputCost: r.input_cost as number | null,
    cacheReadCost: r.cache_read_cost as number | null,
    cacheWriteCost: r.cache_write_cost as number | null,
    outputCost: r.output_cost as number | null,
    reasoningCost: r.reasoning_cost as number | null,
    inputTokens: r.input_tokens as number,
    cacheReadTokens: r.cache_read_tokens as number,
    cacheWriteTokens: r.cache_write_tokens as number,
    outputTokens: r.output_tokens as number,
    reasoningTokens: r.reasoning_tokens as number,
    durationMs: r.duration_ms as number,
    serviceTier: r.service_tier as string | null,
    spanCostUsd: r.span_cost_usd as number | null,
    dimensions: r.dimensions === null ? {} : (JSON.parse(r.dimensions as string) as Record<string, string>),
  };
}

/** A session's exact figures from the ledger. */
export interface SessionCost {
  costUsd: number;
  calls: number;
  /** Calls without a price (the priced column is 0): not in costUsd. */
  unpricedCalls: number;
}

const SESSION_TOTALS = `SELECT count(*) AS calls,
  count(cost_usd) AS pricedCalls, count(error) AS errors, coalesce(sum(cost_usd), 0) AS costUsd,
  coalesce(sum(input_tokens), 0) AS inputTokens, coalesce(sum(cache_read_tokens), 0) AS cacheReadTokens,
  coalesce(sum(cache_write_tokens), 0) AS cacheWriteTokens, coalesce(sum(output_tokens), 0) AS outputTokens,
  coalesce(sum(reasoning_tokens), 0) AS reasoningTokens, coalesce(sum(duration_ms), 0) AS durationMsSum,
  min(ts_ms) AS firstMs, max(ts_ms) AS lastMs
  FROM ledger WHERE session_id = ?`;

export class Ledger {
  private readonly insert: SqliteStatement | undefined;
  private readonly pageAll: SqliteStatement;
  private readonly pageSession: SqliteStatement;
  private readonly sessionTotals: SqliteStatement;
  private readonly sessionModels: SqliteStatement;
  private readonly sessionCost: SqliteStatement;

  constructor(private readonly db: SqliteDatabase, readOnly: boolean) {
    this.insert = readOnly ? undefined : db.prepare(`INSERT INTO ledger (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
    this.pageAll = db.prepare(`${SELECT} WHERE ts_ms >= ? AND (ts_ms, id) > (?, ?) ORDER BY ts_ms, id LIMIT ?`);
    this.pageSession = db.prepare(`${SELECT} WHERE session_id = ? AND ts_ms >= ? AND (ts_ms, id) > (?, ?) ORDER BY ts_ms, id LIMIT ?`);
    this.sessionTotals = db.prepare(SESSION_TOTALS);
    this.sessionModels = db.prepare(`SELECT DISTINCT coalesce(response_model, request_model) AS model FROM ledger
      WHERE session_id = ? AND coalesce(response_model, request_model) IS NOT NULL ORDER BY model`);
    this.sessionCost = db.prepare(`SELECT coalesce(sum(cost_usd), 0) AS costUsd, count(*) AS calls,
      coalesce(sum(priced = 0), 0) AS unpricedCalls FROM ledger WHERE session_id = ?`);
  }

  /** Appends calls (inside the caller's write transaction). */
  append(rows: readonly LedgerRow[]): void {
    for (const row of rows) this.insert!.run(...row);
  }

  /** One page of calls in (ts_ms, id) order: oldest first, ties in insertion order. */
  page(q: LedgerPageQuery): LedgerPage {
    const after = q.after ?? { tsMs: Number.MIN_SAFE_INTEGER, id: 0 };
    // One row more than asked says whether another page follows.
    const rows = q.sessionId === undefined
      ? this.pageAll.all(q.fromMs, after.tsMs, after.id, q.limit + 1)
      : this.pageSession.all(q.sessionId, q.fromMs, after.tsMs, after.id, q.limit + 1);
    const more = rows.length > q.limit;
    if (more) rows.length = q.limit;
    const last = rows[rows.length - 1];
    return { calls: rows.map(callOf), next: more && last !== undefined ? { tsMs: last.ts_ms as number, id: last.id as number } : undefined };
  }

  /** Totals of one session's calls, or undefined when it has none. */
  session(id: string): SessionSummary | undefined {
    const t = this.sessionTotals.get(id) as (Omit<SessionSummary, 'models'>) | undefined;
    if (t === undefined || t.calls === 0) return undefined;
    const models = this.sessionModels.all(id).map((r) => r.model as string);
    return { ...t, models };
  }

  /** Exact cost, call count and unpriced call count per session id (zeros for a session without calls). */
  sessionCosts(ids: readonly string[]): Map<string, SessionCost> {
    const out = new Map<string, SessionCost>();
    for (const id of ids) out.set(id, this.sessionCost.get(id) as unknown as SessionCost);
    return out;
  }

  /** Deletes the calls with ts < beforeMs (inside the caller's write transaction). */
  prune(beforeMs: number): void {
    this.db.prepare('DELETE FROM ledger WHERE ts_ms < ?').run(beforeMs);
  }
}
