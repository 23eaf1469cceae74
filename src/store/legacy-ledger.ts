// The ledger of schema 1 (a row per call), read-only: a store of that version opened
// read-only (the report CLI) is read as it is, not upgraded. Its queries are schema 1's own.
import type { LedgerCall, LedgerRow } from './ledger-call.js';
import type { SealedBlock } from './pending-blocks.js';
import type { CallFilter, Ledger } from './ledger.js';
import type { SqliteDatabase } from './open-database.js';

export const V1_LEDGER_COLUMNS = `ts_ms AS tsMs, trace_id AS traceId, span_id AS spanId, session_id AS sessionId, user_id AS userId,
  provider, request_model AS requestModel, response_model AS responseModel, operation, service, agent, error, priced,
  cost_usd AS costUsd, input_cost AS inputCost, cache_read_cost AS cacheReadCost, cache_write_cost AS cacheWriteCost,
  output_cost AS outputCost, reasoning_cost AS reasoningCost, input_tokens AS inputTokens,
  cache_read_tokens AS cacheReadTokens, cache_write_tokens AS cacheWriteTokens, output_tokens AS outputTokens,
  reasoning_tokens AS reasoningTokens, duration_ms AS durationMs, dimensions`;

/** A schema-1 row (selected with V1_LEDGER_COLUMNS) as stored. */
export function v1Row(r: Record<string, unknown>): LedgerRow {
  return { ...(r as unknown as LedgerRow), priced: r.priced === 1 };
}

function v1Call(r: Record<string, unknown>): LedgerCall {
  const dims = r.dimensions;
  return { ...(r as unknown as LedgerCall), priced: r.priced === 1, dimensions: typeof dims === 'string' ? (JSON.parse(dims) as Record<string, string>) : {} };
}

function readOnly(): never {
  throw new Error('a schema-1 store is only read; open it writable once to upgrade it');
}

export class LegacyLedger implements Ledger {
  private readonly inRange;
  private readonly ofSession;

  constructor(private readonly db: SqliteDatabase) {
    this.inRange = db.prepare(`SELECT ${V1_LEDGER_COLUMNS} FROM ledger WHERE ts_ms >= ? AND ts_ms <= ? ORDER BY ts_ms, id`);
    this.ofSession = db.prepare(`SELECT ${V1_LEDGER_COLUMNS} FROM ledger WHERE ts_ms >= ? AND ts_ms <= ? AND session_id = ? ORDER BY ts_ms, id`);
  }

  appendBlocks(_blocks: readonly SealedBlock[]): void {
    readOnly();
  }

  appendRows(_rows: readonly LedgerRow[]): void {
    readOnly();
  }

  *scan({ fromMs, toMs, sessionId }: CallFilter): Generator<LedgerCall> {
    const rows = sessionId === undefined ? this.inRange.iterate(fromMs, toMs) : this.ofSession.iterate(fromMs, toMs, sessionId);
    for (const r of rows) yield v1Call(r as Record<string, unknown>);
  }

  totals(): { calls: number; costUsd: number } {
    return this.db.prepare('SELECT COUNT(*) AS calls, COALESCE(SUM(cost_usd), 0) AS costUsd FROM ledger').get() as { calls: number; costUsd: number };
  }

  prune(_beforeMs: number): void {
    readOnly();
  }
}
