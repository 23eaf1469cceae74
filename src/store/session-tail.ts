// Session totals of the ledger blocks not yet folded into session_rollup (ids above the fold
// mark). A flush only appends ledger blocks; the rollups take these in bulk every so many
// calls (session-rollups.ts), and reads add the tail to the stored rows. The tail's totals are
// kept in memory: the writer adds each block it appends (decoding only the columns sessions
// need); a connection that did not write them (a reader, the writer after a restart) decodes
// the tail blocks once.
import type { SqliteDatabase } from './open-database.js';
import { LedgerBlockReader } from './ledger-block-reader.js';
import { sessionInputString } from './ledger-block-writer.js';
import type { BlockSessionInputs } from './ledger-block-writer.js';
import { addBlock, emptyDelta, readerColumns } from './session-delta.js';
import type { SessionDelta } from './session-delta.js';

/** meta key: the id of the last ledger block folded into the session rollups. */
const FOLD_MARK = 'sessions_folded_through';

export function setFoldMark(db: SqliteDatabase, blockId: number): void {
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(FOLD_MARK, String(blockId));
}

/** The deltas of the blocks with from < id <= through. */
interface Tail {
  from: number;
  through: number;
  deltas: Map<string, SessionDelta>;
}

/** The delta of a session in `deltas`, added when missing. */
function deltaIn(deltas: Map<string, SessionDelta>): (id: string) => SessionDelta {
  return (id) => {
    let d = deltas.get(id);
    if (d === undefined) {
      d = emptyDelta(id);
      deltas.set(id, d);
    }
    return d;
  };
}

export class SessionTail {
  private readonly mark;
  private readonly size;
  private readonly lastId;
  private readonly between;
  /** Undefined until first needed, and after a write transaction rolled back (it is then read again). */
  private tail: Tail | undefined;
  /** Set by a fold in the open write transaction: the tail is empty after this block once it commits. */
  private foldedTo: number | undefined;

  constructor(db: SqliteDatabase) {
    this.mark = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.size = db.prepare('SELECT COUNT(*) AS blocks, COALESCE(SUM(calls), 0) AS calls FROM ledger_block WHERE id > ?');
    this.lastId = db.prepare('SELECT COALESCE(MAX(id), 0) FROM ledger_block').pluck();
    this.between = db.prepare('SELECT id, data FROM ledger_block WHERE id > ? AND id <= ? ORDER BY id');
  }

  /** Sessions, calls and blocks not yet folded. */
  pending(): { sessions: number; calls: number; blocks: number } {
    const from = this.foldedThrough();
    const { blocks, calls } = this.size.get(from) as { blocks: number; calls: number };
    return { sessions: this.current(this.lastId.get() as number).deltas.size, calls, blocks };
  }

  /** The not-yet-folded totals of each session (of `only` when given), and the last block they include. */
  deltas(only?: ReadonlySet<string>): { deltas: ReadonlyMap<string, SessionDelta>; through: number } {
    const tail = this.current(this.lastId.get() as number);
    if (only === undefined) return tail;
    const picked = new Map<string, SessionDelta>();
    for (const id of only) {
      const d = tail.deltas.get(id);
      if (d !== undefined) picked.set(id, d);
    }
    return { deltas: picked, through: tail.through };
  }

  /** Block `id` was just written, in the open write transaction; `sessions` when the writer still held its columns. */
  appended(id: number, data: Buffer, sessions?: BlockSessionInputs): void {
    const tail = this.current(id - 1);
    if (sessions === undefined) {
      const reader = new LedgerBlockReader(data);
      addBlock(reader.count, readerColumns(reader), (ref) => reader.string(ref), deltaIn(tail.deltas));
    } else {
      addBlock(sessions.columns.ts.length, sessions.columns, (ref) => (ref === 0 ? null : sessionInputString(sessions, ref)), deltaIn(tail.deltas));
    }
    tail.through = id;
  }

  /** The tail was folded into the rollups in the open write transaction. */
  folded(through: number): void {
    this.foldedTo = through;
  }

  committed(): void {
    if (this.foldedTo !== undefined) this.tail = { from: this.foldedTo, through: this.foldedTo, deltas: new Map() };
    this.foldedTo = undefined;
  }

  /** The tail may hold what the transaction added: it is decoded again when next needed (a rare, bounded cost). */
  rolledBack(): void {
    this.tail = undefined;
    this.foldedTo = undefined;
  }

  foldedThrough(): number {
    const v = this.mark.get(FOLD_MARK) as string | undefined;
    return v === undefined ? 0 : Number(v);
  }

  /** The tail through block `upTo`, decoding what it lacks (after a fold elsewhere: all of it). */
  private current(upTo: number): Tail {
    const from = this.foldedThrough();
    let tail = this.tail;
    if (tail === undefined || tail.from !== from || tail.through > upTo) {
      tail = { from, through: from, deltas: new Map() };
      this.tail = tail;
    }
    if (tail.through < upTo) {
      const deltaOf = deltaIn(tail.deltas);
      for (const { id, data } of this.between.iterate(tail.through, upTo) as Iterable<{ id: number; data: Uint8Array }>) {
        const reader = new LedgerBlockReader(data);
        addBlock(reader.count, readerColumns(reader), (ref) => reader.string(ref), deltaOf);
        tail.through = id;
      }
      tail.through = upTo;
    }
    return tail;
  }
}
