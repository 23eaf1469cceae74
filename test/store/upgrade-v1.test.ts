import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { mulberry32 } from '../../src/analytics/forecast-eval.js';
import { CostStore } from '../../src/store/cost-store.js';
import { openDatabase } from '../../src/store/open-database.js';
import { blockSizes } from './fixtures/block-sizes.js';
import { randomCalls } from './fixtures/random-calls.js';
import { createV1Store, v1Calls, v1PutSketch, v1SessionsFromLedger, v1Totals, v1Write } from './fixtures/v1-store.js';

const T0 = Date.UTC(2026, 1, 1);
let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-cost-upgrade-'));
  path = join(dir, 'v1.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A real schema-1 file (9000 calls: more than two blocks' worth, with late calls and ties). */
function writeV1File(): void {
  const db = createV1Store(path);
  const rand = mulberry32(5);
  for (let i = 0; i < 6; i++) v1Write(db, randomCalls(rand, 1500, T0 + i * 3_600_000));
  v1SessionsFromLedger(db);
  v1PutSketch(db, 'session', SKETCH);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

const SKETCH = [
  { id: 's1', weight: 0.1 + 0.2, error: 0, calls: 3, firstMs: T0, lastMs: T0 + 5 },
  { id: 'ünï \ud800', weight: 1e-300, error: 1 / 3, calls: 1, firstMs: T0 + 1, lastMs: T0 + 1 },
];
const FROMS = [-Infinity, T0 + 3_600_000, T0 + 4 * 3_600_000 + 1234];
const SESSIONS = ['s0', 's7', 's39', 'nope'];

/** What schema 1's own queries answer for the file, and its session rollups. */
function v1Answers() {
  const db = new Database(path, { readonly: true });
  try {
    const session = (id: string) => db.prepare('SELECT first_ms AS firstMs, last_ms AS lastMs FROM session_rollup WHERE session_id = ?').get(id) as { firstMs: number; lastMs: number } | undefined;
    return {
      sketch: SKETCH,
      totals: v1Totals(db),
      calls: FROMS.map((from) => [v1Calls(db, from), v1Calls(db, from, undefined, 777)]),
      sessions: SESSIONS.map((id) => {
        const s = session(id);
        return s === undefined ? [] : v1Calls(db, T0 + 3_600_000, { id, ...s }, 50);
      }),
    };
  } finally {
    db.close();
  }
}

function storeAnswers(store: CostStore) {
  return {
    sketch: store.loadSketch('session'),
    totals: store.ledgerTotals(),
    calls: FROMS.map((from) => [store.calls(from), store.calls(from, undefined, 777)]),
    sessions: SESSIONS.map((id) => store.calls(T0 + 3_600_000, id, 50)),
  };
}

describe('a schema-1 store', () => {
  it('is read as it is by a read-only open, and left untouched', () => {
    writeV1File();
    const expected = v1Answers();
    const bytes = readFileSync(path);
    const store = new CostStore(openDatabase(path, { readOnly: true }), true);
    expect(storeAnswers(store)).toEqual(expected);
    expect([...store.iterateCalls(-Infinity)]).toEqual(expected.calls[0]?.[0]);
    store.close();
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('is reported on by the report CLI without being modified', async () => {
    const { runReport } = await import('../../src/cli/report.js');
    writeV1File();
    const bytes = readFileSync(path);
    let text = '';
    const out = { write: (s: string) => { text += s; return true; } } as unknown as NodeJS.WritableStream;
    expect(await runReport(['--store', path, '--days', '3650'], out)).toBe(0);
    // (The fixture writes no window rollups: the report opens and runs, its totals are zero.)
    expect(text).toMatch(/^LLM cost report at /);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('is upgraded to schema 2 by a writable open, and answers exactly as before', () => {
    writeV1File();
    const expected = v1Answers();
    const readOnly = new CostStore(openDatabase(path, { readOnly: true }), true);
    const sessionsBefore = SESSIONS.map((id) => readOnly.session(id));
    readOnly.close();

    const store = new CostStore(openDatabase(path), false);
    const tables = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).not.toContain('ledger');
    expect(tables).toContain('ledger_block');
    expect(store.db.prepare("SELECT typeof(entries) FROM sketch WHERE kind = 'session'").pluck().get()).toBe('blob');
    expect(store.db.pragma('user_version', { simple: true })).toBe(2);
    // A file keeps the page size it was made with (a new store gets 16 KB pages).
    expect(store.db.pragma('page_size', { simple: true })).toBe(4096);
    const fresh = openDatabase(join(dir, 'new.db'));
    expect(fresh.pragma('page_size', { simple: true })).toBe(16384);
    fresh.close();
    const blocks = store.db.prepare('SELECT calls, first_ms AS firstMs, last_ms AS lastMs FROM ledger_block ORDER BY id').all() as { calls: number; firstMs: number; lastMs: number }[];
    expect(blocks.map((b) => b.calls)).toEqual(blockSizes(9000));
    // Converted in time order: the blocks do not overlap.
    for (let i = 1; i < blocks.length; i++) expect(blocks[i]!.firstMs).toBeGreaterThanOrEqual(blocks[i - 1]!.lastMs);

    expect(storeAnswers(store)).toEqual(expected);
    expect(SESSIONS.map((id) => store.session(id))).toEqual(sessionsBefore);
    expect(sessionsBefore[0]).toMatchObject({ calls: expect.any(Number) as number });
    store.close();

    // Once upgraded, it opens as a schema-2 store.
    const again = new CostStore(openDatabase(path), false);
    expect(again.ledgerTotals()).toEqual(expected.totals);
    again.close();
  });

  it('is left at schema 1 when the upgrade cannot take the write lock', () => {
    writeV1File();
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    expect(() => openDatabase(path, { busyTimeoutMs: 20 })).toThrow(/database is locked/);
    other.exec('ROLLBACK');
    expect(other.pragma('user_version', { simple: true })).toBe(1);
    other.close();
  });
});
