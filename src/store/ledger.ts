// The ledger: one row per call. Writes happen inside the caller's transaction (CostStore.flush);
// reads are paged by (ts_ms, id), which the ledger_ts and ledger_session indexes serve in order.
import type { PricedCall } from '../types.js';
import type { LedgerCall, SessionSummary } from './rows.js';
import type { SqlRow, SqlValue, SqliteDatabase, SqliteStatement } from './sqlite.js';

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

/** How a recorded call is kept in the ledger (ts: its end time, ms). */
export function ledgerCallOf(ts: number, durationMs: number, call: PricedCall): LedgerCall {
  const c = call.costs;
  const k = call.tokens;
  const dims = call.dimensions;
  return {
    tsMs: ts,
    traceId: text(call.traceId) ?? '',
    spanId: text(call.spanId) ?? '',
    sessionId: text(call.sessionId),
    userId: text(call.userId),
    provider: text(call.provider),
    requestModel: text(call.requestModel),
    responseModel: text(call.responseModel),
    operation: text(call.operation),
    service: text(call.serviceName) ?? 'unknown_service',
    agent: text(call.agentName),
    error: text(call.error),
    priced: call.priced,
    costUsd: call.priced ? real(call.costUsd) : null,
    inputCost: real(c?.input),
    cacheReadCost: real(c?.cacheRead),
    cacheWriteCost: real(c?.cacheWrite),
    outputCost: real(c?.output),
    reasoningCost: real(c?.reasoning),
    inputTokens: count(k?.input),
    cacheReadTokens: count(k?.cacheRead),
    cacheWriteTokens: count(k?.cacheWrite),
    outputTokens: count(k?.output),
    reasoningTokens: count(k?.reasoning),
    durationMs: count(durationMs),
    serviceTier: text(call.serviceTier),
    spanCostUsd: real(call.spanCostUsd),
    dimensions: dims !== undefined && dims !== null ? { ...dims } : {},
  };
}

function values(c: LedgerCall): SqlValue[] {
  let dims: string | null = null;
  for (const _ in c.dimensions) {
    dims = JSON.stringify(c.dimensions);
    break;
  }
  return [c.tsMs, c.traceId, c.spanId, c.sessionId, c.userId, c.provider, c.requestModel, c.responseModel, c.operation,
    c.service, c.agent, c.error, c.priced ? 1 : 0, c.costUsd, c.inputCost, c.cacheReadCost, c.cacheWriteCost, c.outputCost,
    c.reasoningCost, c.inputTokens, c.cacheReadTokens, c.cacheWriteTokens, c.outputTokens, c.reasoningTokens, c.durationMs, c.serviceTier, c.spanCostUsd, dims];
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
    this.sessionCost = db.prepare('SELECT coalesce(sum(cost_usd), 0) AS costUsd, count(*) AS calls FROM ledger WHERE session_id = ?');
  }

  /** Appends calls (inside the caller's write transaction). */
  append(calls: readonly LedgerCall[]): void {
    for (const c of calls) this.insert!.run(...values(c));
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

  /** Exact cost and call count per session id (zeros for a session without calls). */
  sessionCosts(ids: readonly string[]): Map<string, { costUsd: number; calls: number }> {
    const out = new Map<string, { costUsd: number; calls: number }>();
    for (const id of ids) out.set(id, this.sessionCost.get(id) as { costUsd: number; calls: number });
    return out;
  }

  /** Deletes the calls with ts < beforeMs (inside the caller's write transaction). */
  prune(beforeMs: number): void {
    this.db.prepare('DELETE FROM ledger WHERE ts_ms < ?').run(beforeMs);
  }
}
