// Per-session rollups (one row per session, plus its models), updated once per session per
// flush. They answer session() and costByScoreTier() exactly without an index on the ledger's
// session column, which would cost a random B-tree insert per call.
import { addCall, emptyTotals } from '../analytics/aggregate.js';
import type { Totals } from '../analytics/aggregate.js';
import type { PendingCall } from './ledger-call.js';
import type { SqliteDatabase } from './open-database.js';
import { ChunkedInsert } from './chunked-insert.js';

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

interface SessionDelta extends Delta {
  id: string;
}

/** (session, model) pairs remembered as stored, at most this many (then forgotten all at once): bounded memory. */
const KNOWN_MODELS_MAX = 16_384;
const SEP = '\u0000';

function fillUpsertRow(a: unknown[], at: number, d: SessionDelta): void {
  const t = d.totals;
  a[at] = d.id;
  a[at + 1] = t.calls;
  a[at + 2] = t.pricedCalls;
  a[at + 3] = t.errors;
  a[at + 4] = finite(t.costUsd);
  a[at + 5] = finite(t.inputTokens);
  a[at + 6] = finite(t.cacheReadTokens);
  a[at + 7] = finite(t.cacheWriteTokens);
  a[at + 8] = finite(t.outputTokens);
  a[at + 9] = finite(t.reasoningTokens);
  a[at + 10] = finite(t.durationMsSum);
  a[at + 11] = d.firstMs;
  a[at + 12] = d.lastMs;
}

function fillModelRow(a: unknown[], at: number, pair: [string, string]): void {
  a[at] = pair[0];
  a[at + 1] = pair[1];
}

export class SessionRollups {
  private readonly upsert;
  private readonly addModels;
  /**
   * (session, model) pairs known to be in session_model, so a session's model is inserted once
   * rather than once per flush. Only pairs of committed flushes are added (see committed()).
   */
  private readonly knownModels = new Set<string>();
  private newModels: string[] = [];

  constructor(private readonly db: SqliteDatabase, readOnly: boolean) {
    this.upsert = readOnly ? undefined : new ChunkedInsert<SessionDelta>(db, `INSERT INTO session_rollup (session_id, calls, priced_calls, errors, cost_usd,
      input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, duration_ms_sum, first_ms, last_ms)`, 13, fillUpsertRow,
    `ON CONFLICT (session_id) DO UPDATE SET calls = calls + excluded.calls, priced_calls = priced_calls + excluded.priced_calls,
        errors = errors + excluded.errors, cost_usd = cost_usd + excluded.cost_usd, input_tokens = input_tokens + excluded.input_tokens,
        cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
        output_tokens = output_tokens + excluded.output_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
        duration_ms_sum = duration_ms_sum + excluded.duration_ms_sum, first_ms = min(first_ms, excluded.first_ms),
        last_ms = max(last_ms, excluded.last_ms)`);
    this.addModels = readOnly ? undefined : new ChunkedInsert<[string, string]>(db, 'INSERT OR IGNORE INTO session_model (session_id, model)', 2, fillModelRow);
  }

  /** Adds a flush's calls (inside the flush transaction): one upsert per distinct session. */
  write(calls: readonly PendingCall[]): void {
    const deltas = new Map<string, SessionDelta>();
    for (const { ts, durationMs, call } of calls) {
      const id = call.sessionId;
      if (typeof id !== 'string') continue;
      let d = deltas.get(id);
      if (d === undefined) {
        d = { id, totals: emptyTotals(), firstMs: ts, lastMs: ts, models: new Set() };
        deltas.set(id, d);
      }
      addCall(d.totals, call, durationMs);
      if (ts < d.firstMs) d.firstMs = ts;
      if (ts > d.lastMs) d.lastMs = ts;
      const model = call.responseModel ?? call.requestModel;
      if (typeof model === 'string') d.models.add(model);
    }
    const rows = [...deltas.values()];
    this.upsert!.run(rows);
    const pairs: [string, string][] = [];
    const fresh: string[] = [];
    for (const d of rows) {
      for (const m of d.models) {
        const key = d.id + SEP + m;
        if (this.knownModels.has(key)) continue;
        pairs.push([d.id, m]);
        fresh.push(key);
      }
    }
    this.addModels!.run(pairs);
    this.newModels = fresh;
  }

  /** The flush transaction of the last write() committed: its models are now known to be stored. */
  committed(): void {
    const fresh = this.newModels;
    this.newModels = [];
    if (this.knownModels.size + fresh.length > KNOWN_MODELS_MAX) this.knownModels.clear();
    for (const key of fresh) this.knownModels.add(key);
  }

  /** The flush transaction of the last write() rolled back. */
  rolledBack(): void {
    this.newModels = [];
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
    // Pruned sessions lose their models; forget what was known (the rollback of a failed prune
    // only costs re-inserts that are ignored).
    this.knownModels.clear();
    this.db.prepare('DELETE FROM session_model WHERE session_id IN (SELECT session_id FROM session_rollup WHERE last_ms < ?)').run(beforeMs);
    this.db.prepare('DELETE FROM session_rollup WHERE last_ms < ?').run(beforeMs);
  }
}
