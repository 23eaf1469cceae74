// Schema 1 -> 2, at a writable open, in one transaction (a crash leaves the file at version 1):
// the per-call ledger rows become blocks, taken in ts_ms, id order so each block covers a
// narrow time span, then the old table is dropped; the JSON sketches become binary. The other
// tables are the same in both.
import type { SqliteDatabase } from './open-database.js';
import { BLOCK_CALLS, BlockLedger } from './block-ledger.js';
import { V1_LEDGER_COLUMNS, v1Row } from './legacy-ledger.js';
import { LEDGER_BLOCK_DDL, SKETCH_DDL } from './schema.js';
import { encodeSketch, sketchFromJson } from './sketch-codec.js';
import { setFoldMark } from './session-tail.js';

export function upgradeFromV1(db: SqliteDatabase): void {
  db.transaction(() => {
    // Another process may have upgraded the file since this one read its version.
    if (db.pragma('user_version', { simple: true }) !== 1) return;
    db.exec(LEDGER_BLOCK_DDL);
    const ledger = new BlockLedger(db);
    const page = db.prepare(`SELECT id, ${V1_LEDGER_COLUMNS} FROM ledger WHERE (ts_ms, id) > (?, ?) ORDER BY ts_ms, id LIMIT ${BLOCK_CALLS}`);
    let afterTs = -Infinity;
    let afterId = -Infinity;
    for (;;) {
      const rows = page.all(afterTs, afterId) as (Record<string, unknown> & { id: number; tsMs: number })[];
      const last = rows[rows.length - 1];
      if (last === undefined) break;
      ledger.appendRows(rows.map(v1Row));
      afterTs = last.tsMs;
      afterId = last.id;
    }
    // Schema 1 kept its session rollups current: every converted block is already in them.
    setFoldMark(db, db.prepare('SELECT COALESCE(MAX(id), 0) FROM ledger_block').pluck().get() as number);
    db.exec('DROP TABLE ledger');
    const sketches = db.prepare('SELECT kind, entries FROM sketch').all() as { kind: string; entries: string }[];
    db.exec(`DROP TABLE sketch; ${SKETCH_DDL}`);
    const putSketch = db.prepare('INSERT INTO sketch (kind, entries) VALUES (?, ?)');
    for (const { kind, entries } of sketches) putSketch.run(kind, encodeSketch(sketchFromJson(entries)));
    db.pragma('user_version = 2');
  }).immediate();
}
