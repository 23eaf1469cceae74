import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mulberry32 } from '../../src/analytics/forecast-eval.js';
import { BLOCK_CALLS } from '../../src/store/block-ledger.js';
import { CostStore } from '../../src/store/cost-store.js';
import type { PendingCall } from '../../src/store/ledger-call.js';
import { openDatabase } from '../../src/store/open-database.js';
import { sealCalls } from '../../src/store/pending-blocks.js';
import { blockSizes } from './fixtures/block-sizes.js';
import { randomCalls } from './fixtures/random-calls.js';
import { V1_DDL, v1Calls, v1Prune, v1Totals, v1Write } from './fixtures/v1-store.js';

const T0 = Date.UTC(2026, 2, 1);
const open: { close(): void }[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

/** The same calls in a schema-2 store (through CostStore) and in a schema-1 ledger. */
function stores(): { store: CostStore; v1: Database.Database; flush(calls: PendingCall[]): void; prune(beforeMs: number): void } {
  const store = new CostStore(openDatabase(':memory:'), false);
  const v1 = new Database(':memory:');
  v1.exec(V1_DDL);
  open.push(store, v1);
  return {
    store,
    v1,
    flush(calls) {
      store.flush({ blocks: sealCalls(calls), rollups: [], sketches: [], budgetSpend: [] });
      v1Write(v1, calls);
    },
    prune(beforeMs) {
      store.prune(beforeMs, 0, 0);
      v1Prune(v1, beforeMs);
    },
  };
}

/** `full`: also compares every call (slow to compare: done at a few points). */
function expectSameAnswers({ store, v1 }: ReturnType<typeof stores>, rand: () => number, full = false): void {
  expect(store.ledgerTotals()).toEqual(v1Totals(v1));
  const all = v1Calls(v1, -Infinity);
  if (full) expect([...store.iterateCalls(-Infinity)]).toEqual(all);
  for (let k = 0; k < 8; k++) {
    const from = all.length === 0 ? T0 : (all[Math.floor(rand() * all.length)]?.tsMs as number) + Math.floor(rand() * 3) - 1;
    const limit = Math.floor(rand() * 300) + 1;
    if (k === 0) expect(store.calls(from).length).toBe(v1Calls(v1, from).length);
    expect(store.calls(from, undefined, limit)).toEqual(v1Calls(v1, from, undefined, limit));
    const id = `s${Math.floor(rand() * 40)}`;
    const s = store.session(id);
    expect(store.calls(from, id, limit)).toEqual(s === undefined ? [] : v1Calls(v1, from, { id, ...s }, limit));
  }
}

describe('schema 2 ledger blocks answer as schema 1 rows did', () => {
  it('calls(), iterateCalls() and ledgerTotals() over flushes of many sizes, late calls and prunes', () => {
    const rand = mulberry32(7);
    const s = stores();
    let t = T0;
    for (const size of [1, 3, 500, BLOCK_CALLS, BLOCK_CALLS + 1, 5000, 2, 700]) {
      const calls = randomCalls(rand, size, t);
      t = Math.max(...calls.map((c) => c.ts));
      s.flush(calls);
      expectSameAnswers(s, rand, size > BLOCK_CALLS);
    }
    const all = v1Calls(s.v1, -Infinity);
    for (const at of [0.1, 0.35, 0.6, 0.6, 0.95]) {
      // Cut at a call's time: a block straddles it, and calls tied with the cutoff stay.
      s.prune((all[Math.floor(at * all.length)] as { tsMs: number }).tsMs);
      expectSameAnswers(s, rand, true);
      s.flush(randomCalls(rand, 300, t));
      expectSameAnswers(s, rand);
    }
    s.prune(t + 10 * 86_400_000);
    expect(s.store.ledgerTotals()).toEqual({ calls: 0, costUsd: 0 });
    expectSameAnswers(s, rand);
  });

  it('finds every call of a session stored more than once in a block (an id-like field is not de-duplicated)', () => {
    const s = stores();
    // 100 distinct sessions first: the session field stops being de-duplicated, then 'x' repeats.
    const calls = randomCalls(mulberry32(4), 400, T0).map((c, i) => ({ ...c, call: { ...c.call, sessionId: i < 100 || i % 3 !== 0 ? `d${i}` : 'x' } }));
    s.flush(calls);
    const x = s.store.session('x')!;
    expect(x.calls).toBe(100);
    expect(s.store.calls(T0 - 86_400_000, 'x')).toEqual(v1Calls(s.v1, T0 - 86_400_000, { id: 'x', ...x }));
    expect(s.store.sessionTotals(['x']).get('x')?.calls).toBe(100);
  });

  it('a flush writes a block per BLOCK_CALLS calls; a session query reads only the blocks overlapping the session', () => {
    const s = stores();
    const early = randomCalls(mulberry32(1), 9000, T0);
    const late = randomCalls(mulberry32(2), 100, T0 + 30 * 86_400_000).map((c) => ({ ...c, call: { ...c.call, sessionId: 'late' } }));
    s.flush([...early, ...late]);
    const blocks = s.store.db.prepare('SELECT calls FROM ledger_block ORDER BY id').all() as { calls: number }[];
    expect(blocks.map((b) => b.calls)).toEqual(blockSizes(9100));
    s.prune(-Infinity); // folds the ledger tail into the session rollups, prunes nothing
    s.flush(late);
    const expected = v1Calls(s.v1, T0, { id: 'late', ...s.store.session('late')! });
    // Unreadable blocks before the session (the session rollups have folded them in): a query
    // of the session never reads them.
    s.store.db.prepare("UPDATE ledger_block SET data = x'00' WHERE id < ?").run(blocks.length);
    expect(s.store.calls(T0, 'late')).toEqual(expected);
    expect(expected).toHaveLength(200);
    expect(() => s.store.calls(T0)).toThrow(/unknown ledger block format 0/);
  });
});
