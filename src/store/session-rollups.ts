// Per-session rollups (one row per session, plus its models), updated once per session per
// flush. They answer session() and costByScoreTier() exactly without an index on the ledger's
// session column, which would cost a random B-tree insert per call.
import { addCall, emptyTotals } from '../analytics/aggregate.js';
import type { Totals } from '../analytics/aggregate.js';
import type { PendingCall } from './cost-store.js';
import type { SqliteDatabase } from './open-database.js';

export interface SessionSummary extends Totals {
  firstMs: number;
  lastMs: number;
  models: string[];
}

interface Delta {
  totals: Totals;
  firstMs: number;
  lastMs: number;
  models: Set<string>;
}

const COLUMNS = `calls, priced_calls AS pricedCalls, errors, cost_usd AS costUsd, input_tokens AS inputTokens,
  cache_read_tokens AS cacheReadTokens, cache_write_tokens AS cacheWriteTokens, output_tokens AS outputTokens,
  reasoning_tokens AS reasoningTokens, duration_ms_sum AS durationMsSum, first_ms AS firstMs, last_ms AS lastMs`;

function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

export class SessionRollups {
  private readonly upsert;
  private readonly addModel;

  constructor(private readonly db: SqliteDatabase, readOnly: boolean) {
    this.upsert = readOnly ? undefined : db.prepare(`INSERT INTO session_rollup (session_id, calls, priced_calls, errors, cost_usd,
      input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, duration_ms_sum, first_ms, last_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (session_id) DO UPDATE SET calls = calls + excluded.calls, priced_calls = priced_calls + excluded.priced_calls,
        errors = errors + excluded.errors, cost_usd = cost_usd + excluded.cost_usd, input_tokens = input_tokens + excluded.input_tokens,
        cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
        output_tokens = output_tokens + excluded.output_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
        duration_ms_sum = duration_ms_sum + excluded.duration_ms_sum, first_ms = min(first_ms, excluded.first_ms),
        last_ms = max(last_ms, excluded.last_ms)`);
    this.addModel = readOnly ? undefined : db.prepare('INSERT OR IGNORE INTO session_model (session_id, model) VALUES (?, ?)');
  }

  /** Adds a flush's calls (inside the flush transaction). */
  write(calls: readonly PendingCall[]): void {
    const deltas = new Map<string, Delta>();
    for (const { ts, durationMs, call } of calls) {
      const id = call.sessionId;
      if (typeof id !== 'string') continue;
      let d = deltas.get(id);
      if (d === undefined) {
        d = { totals: emptyTotals(), firstMs: ts, lastMs: ts, models: new Set() };
        deltas.set(id, d);
      }
      addCall(d.totals, call, durationMs);
      if (ts < d.firstMs) d.firstMs = ts;
      if (ts > d.lastMs) d.lastMs = ts;
      const model = call.responseModel ?? call.requestModel;
      if (typeof model === 'string') d.models.add(model);
    }
    for (const [id, { totals: t, firstMs, lastMs, models }] of deltas) {
      this.upsert!.run(id, t.calls, t.pricedCalls, t.errors, finite(t.costUsd), finite(t.inputTokens), finite(t.cacheReadTokens),
        finite(t.cacheWriteTokens), finite(t.outputTokens), finite(t.reasoningTokens), finite(t.durationMsSum), firstMs, lastMs);
      for (const m of models) this.addModel!.run(id, m);
    }
  }

  summary(id: string): SessionSummary | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM session_rollup WHERE session_id = ?`).get(id) as (Totals & { firstMs: number; lastMs: number }) | undefined;
    if (row === undefined) return undefined;
    const models = (this.db.prepare('SELECT model FROM session_model WHERE session_id = ? ORDER BY model').all(id) as { model: string }[]).map((r) => r.model);
    return { ...row, models };
  }

  /** Exact cost and calls per session id (sessions without calls: zeros). */
  totals(ids: readonly string[]): Map<string, { costUsd: number; calls: number }> {
    const stmt = this.db.prepare('SELECT cost_usd AS costUsd, calls FROM session_rollup WHERE session_id = ?');
    const out = new Map<string, { costUsd: number; calls: number }>();
    for (const id of ids) out.set(id, (stmt.get(id) as { costUsd: number; calls: number } | undefined) ?? { costUsd: 0, calls: 0 });
    return out;
  }

  /** Drops sessions idle since before `beforeMs` (same retention as the ledger). */
  prune(beforeMs: number): void {
    this.db.prepare('DELETE FROM session_model WHERE session_id IN (SELECT session_id FROM session_rollup WHERE last_ms < ?)').run(beforeMs);
    this.db.prepare('DELETE FROM session_rollup WHERE last_ms < ?').run(beforeMs);
  }
}
