// Per-session rollups (one row per session, plus its models). They answer session() and
// costByScoreTier() exactly without an index on the ledger's sessions. A flush does not touch
// them: the ledger blocks written since the last fold (session-tail.ts) are added to the rows
// in bulk once they are many (FOLD_*), in the transaction of that flush, and reads add the tail
// to the rows. A session seen in many flushes is then written once per fold, not per flush.
import type { Totals } from '../analytics/aggregate.js';
import type { SqliteDatabase } from './open-database.js';
import { ChunkedInsert } from './chunked-insert.js';
import type { SessionDelta } from './session-delta.js';
import { setFoldMark } from './session-tail.js';
import type { SessionTail } from './session-tail.js';

export interface SessionSummary extends Totals {
  firstMs: number;
  lastMs: number;
  models: string[];
}

const COLUMNS = `calls, priced_calls AS pricedCalls, errors, cost_usd AS costUsd, input_tokens AS inputTokens,
  cache_read_tokens AS cacheReadTokens, cache_write_tokens AS cacheWriteTokens, output_tokens AS outputTokens,
  reasoning_tokens AS reasoningTokens, duration_ms_sum AS durationMsSum, first_ms AS firstMs, last_ms AS lastMs`;

/**
 * A fold takes the tail once it holds this many sessions (it is kept in memory until then, one
 * object per session: ~2 MB), or this many calls or blocks (what a reader decodes at most).
 * A fold writes a row per session, so sessions seen in many flushes are written once.
 */
const FOLD_SESSIONS = 8192;
const FOLD_CALLS = 131_072;
const FOLD_BLOCKS = 128;

/** (session, model) pairs remembered as stored, at most this many (then forgotten all at once): bounded memory. */
const KNOWN_MODELS_MAX = 16_384;
const SEP = '\u0000';

function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

/** A delta's totals as written (and as added to a stored row when read). */
function storedTotals(t: Totals): Totals {
  return {
    calls: t.calls, pricedCalls: t.pricedCalls, errors: t.errors, costUsd: finite(t.costUsd), inputTokens: finite(t.inputTokens),
    cacheReadTokens: finite(t.cacheReadTokens), cacheWriteTokens: finite(t.cacheWriteTokens), outputTokens: finite(t.outputTokens),
    reasoningTokens: finite(t.reasoningTokens), durationMsSum: finite(t.durationMsSum),
  };
}

/** The upsert's values: storedTotals(d), without allocating. */
function fillUpsertRow(a: unknown[], at: number, d: SessionDelta): void {
  a[at] = d.id;
  a[at + 1] = d.calls;
  a[at + 2] = d.pricedCalls;
  a[at + 3] = d.errors;
  a[at + 4] = finite(d.costUsd);
  a[at + 5] = finite(d.inputTokens);
  a[at + 6] = finite(d.cacheReadTokens);
  a[at + 7] = finite(d.cacheWriteTokens);
  a[at + 8] = finite(d.outputTokens);
  a[at + 9] = finite(d.reasoningTokens);
  a[at + 10] = finite(d.durationMsSum);
  a[at + 11] = d.firstMs;
  a[at + 12] = d.lastMs;
}

function fillModelRow(a: unknown[], at: number, pair: [string, string]): void {
  a[at] = pair[0];
  a[at + 1] = pair[1];
}

/** SQLite's BINARY order of TEXT (UTF-8 bytes), which ORDER BY model used. */
function utf8Order(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

type StoredRow = Totals & { firstMs: number; lastMs: number };

/** A stored row plus its tail (the same additions a fold makes). */
function merge(row: StoredRow | undefined, d: SessionDelta): StoredRow {
  const t = storedTotals(d);
  if (row === undefined) return { ...t, firstMs: d.firstMs, lastMs: d.lastMs };
  return {
    calls: row.calls + t.calls, pricedCalls: row.pricedCalls + t.pricedCalls, errors: row.errors + t.errors, costUsd: row.costUsd + t.costUsd,
    inputTokens: row.inputTokens + t.inputTokens, cacheReadTokens: row.cacheReadTokens + t.cacheReadTokens,
    cacheWriteTokens: row.cacheWriteTokens + t.cacheWriteTokens, outputTokens: row.outputTokens + t.outputTokens,
    reasoningTokens: row.reasoningTokens + t.reasoningTokens, durationMsSum: row.durationMsSum + t.durationMsSum,
    firstMs: Math.min(row.firstMs, d.firstMs), lastMs: Math.max(row.lastMs, d.lastMs),
  };
}

export class SessionRollups {
  private readonly upsert;
  private readonly addModels;
  /**
   * (session, model) pairs known to be in session_model, so a session's model is inserted once
   * rather than once per fold. Only pairs of committed transactions are added (see committed()).
   */
  private readonly knownModels = new Set<string>();
  private newModels: string[] = [];

  /** `tail` is undefined for a schema-1 store (read-only: its rollups are complete). */
  constructor(private readonly db: SqliteDatabase, readOnly: boolean, private readonly tail: SessionTail | undefined) {
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

  /** After a flush's ledger blocks (inside its transaction): folds the tail once it is long enough. */
  afterAppend(): void {
    if (this.tail === undefined) return;
    const { sessions, calls, blocks } = this.tail.pending();
    if (sessions >= FOLD_SESSIONS || calls >= FOLD_CALLS || blocks >= FOLD_BLOCKS) this.fold();
  }

  /** Adds the tail to the rows (inside the caller's transaction): one upsert per session in it. */
  fold(): void {
    if (this.tail === undefined) return;
    const { deltas, through } = this.tail.deltas();
    if (through === this.tail.foldedThrough()) return;
    const rows = [...deltas.values()];
    this.upsert!.run(rows);
    const pairs: [string, string][] = [];
    for (const d of rows) {
      for (const m of d.models) {
        const key = d.id + SEP + m;
        if (this.knownModels.has(key)) continue;
        pairs.push([d.id, m]);
        this.newModels.push(key);
      }
    }
    this.addModels!.run(pairs);
    setFoldMark(this.db, through);
    this.tail.folded(through);
  }

  /** The write transaction that may have folded committed: its models are now known to be stored. */
  committed(): void {
    this.tail?.committed();
    const fresh = this.newModels;
    this.newModels = [];
    if (this.knownModels.size + fresh.length > KNOWN_MODELS_MAX) this.knownModels.clear();
    for (const key of fresh) this.knownModels.add(key);
  }

  /** The write transaction that may have folded rolled back. */
  rolledBack(): void {
    this.tail?.rolledBack();
    this.newModels = [];
  }

  summary(id: string): SessionSummary | undefined {
    const stored = this.db.prepare(`SELECT ${COLUMNS} FROM session_rollup WHERE session_id = ?`).get(id) as StoredRow | undefined;
    const d = this.tail?.deltas(new Set([id])).deltas.get(id);
    if (stored === undefined && d === undefined) return undefined;
    const models = (this.db.prepare('SELECT model FROM session_model WHERE session_id = ? ORDER BY model').all(id) as { model: string }[]).map((r) => r.model);
    if (d === undefined) return { ...stored!, models };
    const added = d.models.filter((m) => !models.includes(m));
    return { ...merge(stored, d), models: added.length === 0 ? models : [...models, ...added].sort(utf8Order) };
  }

  /** Exact cost and calls per session id (sessions without calls: zeros). */
  totals(ids: readonly string[]): Map<string, { costUsd: number; calls: number }> {
    const stmt = this.db.prepare('SELECT cost_usd AS costUsd, calls FROM session_rollup WHERE session_id = ?');
    const tail = this.tail?.deltas(new Set(ids)).deltas;
    const out = new Map<string, { costUsd: number; calls: number }>();
    for (const id of ids) {
      const row = stmt.get(id) as { costUsd: number; calls: number } | undefined;
      const d = tail?.get(id);
      const t = d === undefined ? undefined : storedTotals(d);
      out.set(id, t === undefined ? row ?? { costUsd: 0, calls: 0 } : { costUsd: (row?.costUsd ?? 0) + t.costUsd, calls: (row?.calls ?? 0) + t.calls });
    }
    return out;
  }

  /** Drops sessions idle since before `beforeMs` (same retention as the ledger; fold() first). */
  prune(beforeMs: number): void {
    // Pruned sessions lose their models; forget what was known (the rollback of a failed prune
    // only costs re-inserts that are ignored).
    this.knownModels.clear();
    this.newModels = [];
    this.db.prepare('DELETE FROM session_model WHERE session_id IN (SELECT session_id FROM session_rollup WHERE last_ms < ?)').run(beforeMs);
    this.db.prepare('DELETE FROM session_rollup WHERE last_ms < ?').run(beforeMs);
  }
}
