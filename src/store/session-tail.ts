// Session totals of the ledger blocks not yet folded into session_rollup (ids above the fold
// mark). A flush only appends ledger blocks; the rollups take these in bulk every so many
// calls (session-rollups.ts), and reads add the tail to the stored rows.
import type { Totals } from '../analytics/aggregate.js';
import { emptyTotals } from '../analytics/aggregate.js';
import type { SqliteDatabase } from './open-database.js';
import { LedgerBlockReader } from './ledger-block-reader.js';
import { FIELD } from './ledger-format.js';

/** One object per session (a fold holds up to FOLD_CALLS of them at once). */
export interface SessionDelta extends Totals {
  id: string;
  firstMs: number;
  lastMs: number;
  /** Usually one or two: an array is lighter than a Set. */
  models: string[];
}

/** meta key: the id of the last ledger block folded into the session rollups. */
const FOLD_MARK = 'sessions_folded_through';

export function setFoldMark(db: SqliteDatabase, blockId: number): void {
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(FOLD_MARK, String(blockId));
}

/** The columns a fold reads, by name. */
interface Columns {
  ts: Float64Array;
  session: Float64Array;
  error: Float64Array;
  cost: Float64Array;
  input: Float64Array;
  cacheRead: Float64Array;
  cacheWrite: Float64Array;
  output: Float64Array;
  reasoning: Float64Array;
  duration: Float64Array;
  requestModel: Float64Array;
  responseModel: Float64Array;
}

function columnsOf(r: LedgerBlockReader): Columns {
  return {
    ts: r.column(FIELD.tsMs), session: r.column(FIELD.sessionId), error: r.column(FIELD.error), cost: r.column(FIELD.costUsd),
    input: r.column(FIELD.inputTokens), cacheRead: r.column(FIELD.cacheReadTokens), cacheWrite: r.column(FIELD.cacheWriteTokens),
    output: r.column(FIELD.outputTokens), reasoning: r.column(FIELD.reasoningTokens), duration: r.column(FIELD.durationMs),
    requestModel: r.column(FIELD.requestModel), responseModel: r.column(FIELD.responseModel),
  };
}

/** Adds call i of a block to `d` (the rules of aggregate.ts addCall, on stored values). */
function addStored(t: SessionDelta, c: Columns, i: number): void {
  const ts = c.ts[i] as number;
  const cost = c.cost[i] as number;
  t.calls += 1;
  if (c.error[i] !== 0) t.errors += 1;
  if (!Number.isNaN(cost)) {
    t.pricedCalls += 1;
    t.costUsd += cost;
  }
  t.inputTokens += c.input[i] as number;
  t.cacheReadTokens += c.cacheRead[i] as number;
  t.cacheWriteTokens += c.cacheWrite[i] as number;
  t.outputTokens += c.output[i] as number;
  t.reasoningTokens += c.reasoning[i] as number;
  t.durationMsSum += c.duration[i] as number;
  if (ts < t.firstMs) t.firstMs = ts;
  if (ts > t.lastMs) t.lastMs = ts;
}

export class SessionTail {
  private readonly mark;
  private readonly size;
  private readonly after;

  constructor(db: SqliteDatabase) {
    this.mark = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.size = db.prepare('SELECT COUNT(*) AS blocks, COALESCE(SUM(calls), 0) AS calls FROM ledger_block WHERE id > ?');
    this.after = db.prepare('SELECT id, data FROM ledger_block WHERE id > ? ORDER BY id');
  }

  /** Blocks and calls not yet folded. */
  pending(): { blocks: number; calls: number } {
    return this.size.get(this.foldedThrough()) as { blocks: number; calls: number };
  }

  /** The not-yet-folded totals of each session (of `only` when given), and the last block read. */
  deltas(only?: ReadonlySet<string>): { deltas: Map<string, SessionDelta>; through: number } {
    const deltas = new Map<string, SessionDelta>();
    let through = this.foldedThrough();
    for (const { id, data } of this.after.iterate(through) as Iterable<{ id: number; data: Uint8Array }>) {
      through = id;
      const reader = new LedgerBlockReader(data);
      // Few ids asked for: skip a block none of them is in without decoding its columns.
      if (only !== undefined && only.size <= 16 && ![...only].some((s) => reader.refsOf(s).length > 0)) continue;
      const c = columnsOf(reader);
      // Per string reference: its session's delta, or null when the session is not asked for.
      const byRef = new Map<number, SessionDelta | null>();
      for (let i = 0; i < reader.count; i++) {
        const ref = c.session[i] as number;
        if (ref === 0) continue;
        let d = byRef.get(ref);
        if (d === undefined) {
          d = this.delta(deltas, reader.string(ref) as string, only);
          byRef.set(ref, d);
        }
        if (d === null) continue;
        addStored(d, c, i);
        const model = (c.responseModel[i] !== 0 ? c.responseModel[i] : c.requestModel[i]) as number;
        if (model !== 0) {
          const name = reader.string(model) as string;
          if (!d.models.includes(name)) d.models.push(name);
        }
      }
    }
    return { deltas, through };
  }

  private delta(deltas: Map<string, SessionDelta>, id: string, only: ReadonlySet<string> | undefined): SessionDelta | null {
    if (only !== undefined && !only.has(id)) return null;
    let d = deltas.get(id);
    if (d === undefined) {
      d = { id, ...emptyTotals(), firstMs: Infinity, lastMs: -Infinity, models: [] };
      deltas.set(id, d);
    }
    return d;
  }

  foldedThrough(): number {
    const v = this.mark.get(FOLD_MARK) as string | undefined;
    return v === undefined ? 0 : Number(v);
  }
}
