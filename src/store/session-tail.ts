// Session totals of the ledger blocks not yet folded into session_rollup (ids above the fold
// mark). A flush only appends ledger blocks; the rollups take these in bulk every so many
// calls (session-rollups.ts), and reads add the tail to the stored rows.
import type { Totals } from '../analytics/aggregate.js';
import { emptyTotals } from '../analytics/aggregate.js';
import type { SqliteDatabase } from './open-database.js';
import { LedgerBlockReader } from './ledger-block-reader.js';
import { FIELD } from './ledger-format.js';

export interface SessionDelta {
  id: string;
  totals: Totals;
  firstMs: number;
  lastMs: number;
  models: Set<string>;
}

/** meta key: the id of the last ledger block folded into the session rollups. */
const FOLD_MARK = 'sessions_folded_through';

export function setFoldMark(db: SqliteDatabase, blockId: number): void {
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(FOLD_MARK, String(blockId));
}

/** Adds call i of a block to `d` (the rules of aggregate.ts addCall, on stored values). */
function addStored(d: SessionDelta, c: Float64Array[], i: number, model: string | null): void {
  const t = d.totals;
  const ts = (c[FIELD.tsMs] as Float64Array)[i] as number;
  const cost = (c[FIELD.costUsd] as Float64Array)[i] as number;
  t.calls += 1;
  if ((c[FIELD.error] as Float64Array)[i] !== 0) t.errors += 1;
  if (!Number.isNaN(cost)) {
    t.pricedCalls += 1;
    t.costUsd += cost;
  }
  t.inputTokens += (c[FIELD.inputTokens] as Float64Array)[i] as number;
  t.cacheReadTokens += (c[FIELD.cacheReadTokens] as Float64Array)[i] as number;
  t.cacheWriteTokens += (c[FIELD.cacheWriteTokens] as Float64Array)[i] as number;
  t.outputTokens += (c[FIELD.outputTokens] as Float64Array)[i] as number;
  t.reasoningTokens += (c[FIELD.reasoningTokens] as Float64Array)[i] as number;
  t.durationMsSum += (c[FIELD.durationMs] as Float64Array)[i] as number;
  if (ts < d.firstMs) d.firstMs = ts;
  if (ts > d.lastMs) d.lastMs = ts;
  if (model !== null) d.models.add(model);
}

const READ = [FIELD.tsMs, FIELD.sessionId, FIELD.error, FIELD.costUsd, FIELD.inputTokens, FIELD.cacheReadTokens, FIELD.cacheWriteTokens,
  FIELD.outputTokens, FIELD.reasoningTokens, FIELD.durationMs, FIELD.requestModel, FIELD.responseModel];

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
      const strings = reader.strings();
      const wanted = strings.map((s) => s !== null && (only === undefined || only.has(s)));
      if (!wanted.includes(true)) continue;
      const c: Float64Array[] = [];
      for (const f of READ) c[f] = reader.column(f);
      const sessions = c[FIELD.sessionId] as Float64Array;
      for (let i = 0; i < reader.count; i++) {
        const ref = sessions[i] as number;
        if (!wanted[ref]) continue;
        const sessionId = strings[ref] as string;
        let d = deltas.get(sessionId);
        if (d === undefined) {
          d = { id: sessionId, totals: emptyTotals(), firstMs: Infinity, lastMs: -Infinity, models: new Set() };
          deltas.set(sessionId, d);
        }
        const model = strings[(c[FIELD.responseModel] as Float64Array)[i] as number] ?? strings[(c[FIELD.requestModel] as Float64Array)[i] as number] ?? null;
        addStored(d, c, i, model);
      }
    }
    return { deltas, through };
  }

  foldedThrough(): number {
    const v = this.mark.get(FOLD_MARK) as string | undefined;
    return v === undefined ? 0 : Number(v);
  }
}
