import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../src/analytics/forecast-eval.js';
import { CostStore } from '../../src/store/cost-store.js';
import type { PendingCall } from '../../src/store/ledger-call.js';
import { openDatabase } from '../../src/store/open-database.js';
import { sealCalls } from '../../src/store/pending-blocks.js';
import { pricedCall } from '../analytics/factory.js';

const T0 = Date.UTC(2026, 3, 1);
const IDS = Array.from({ length: 30 }, (_, i) => `s${i}`);
let dir: string;
let path: string;
const open: CostStore[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-cost-sessions-'));
  path = join(dir, 'cost.db');
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

function store(readOnly = false): CostStore {
  const s = new CostStore(openDatabase(path, { readOnly }), readOnly);
  open.push(s);
  return s;
}

/** Calls of IDS (and some without a session); costs in 1/256 dollars so every sum is exact. */
function calls(rand: () => number, n: number, fromMs: number): PendingCall[] {
  return Array.from({ length: n }, (_, i) => {
    const ts = fromMs + i * 10 + Math.floor(rand() * 5000);
    const priced = rand() > 0.1;
    return {
      ts,
      durationMs: Math.floor(rand() * 3000),
      call: pricedCall({
        at: ts,
        sessionId: rand() < 0.9 ? IDS[Math.floor(rand() * IDS.length)] : undefined,
        responseModel: rand() < 0.5 ? undefined : `m${Math.floor(rand() * 4)}`,
        requestModel: 'gpt-4o',
        error: rand() < 0.05 ? 'timeout' : undefined,
        priced,
        costUsd: priced ? Math.floor(rand() * 256) / 256 : undefined,
      }),
    };
  });
}

/** What session(id) must answer: the session's calls, summed. */
function expected(all: readonly PendingCall[], id: string) {
  const mine = all.filter((c) => c.call.sessionId === id);
  if (mine.length === 0) return undefined;
  const sum = (f: (c: PendingCall) => number) => mine.reduce((a, c) => a + f(c), 0);
  const models = [...new Set(mine.map((c) => c.call.responseModel ?? c.call.requestModel))].sort();
  return {
    calls: mine.length, pricedCalls: sum((c) => (c.call.priced ? 1 : 0)), errors: sum((c) => (c.call.error === undefined ? 0 : 1)),
    costUsd: sum((c) => c.call.costUsd ?? 0), inputTokens: sum((c) => c.call.tokens.input), cacheReadTokens: 0, cacheWriteTokens: 0,
    outputTokens: sum((c) => c.call.tokens.output), reasoningTokens: 0, durationMsSum: sum((c) => c.durationMs),
    firstMs: Math.min(...mine.map((c) => c.ts)), lastMs: Math.max(...mine.map((c) => c.ts)), models,
  };
}

function flush(s: CostStore, batch: PendingCall[]): void {
  s.flush({ blocks: sealCalls(batch), rollups: [], sketches: [], budgetSpend: [] });
}

/** The last ledger block folded into the session rollups (0: none yet). */
function foldMark(s: CostStore): number {
  return Number(s.db.prepare("SELECT value FROM meta WHERE key = 'sessions_folded_through'").pluck().get() ?? 0);
}

function answers(s: CostStore) {
  return { sessions: IDS.map((id) => s.session(id)), totals: s.sessionTotals([...IDS, 'none']) };
}

describe('session rollups', () => {
  it('answer exactly before and after the ledger tail is folded in, across restarts and read-only opens', () => {
    const rand = mulberry32(9);
    const all: PendingCall[] = [];
    const s = store();
    // Large flushes, then a flush with many sessions, then many small flushes: each kind of fold.
    const sizes = [1, 700, 5000, 20_000, 3000, 9000, ...new Array<number>(80).fill(3)];
    sizes.forEach((n, k) => {
      const batch = calls(rand, n, T0 + all.length * 10);
      if (k === 5) for (const [i, c] of batch.entries()) c.call.sessionId = `many-${i}`;
      all.push(...batch);
      flush(s, batch);
      if (n === 3 && k % 10 !== 0) return;
      for (const id of IDS) expect(s.session(id), id).toEqual(expected(all, id));
      const s1 = expected(all, 's1');
      expect(s.sessionTotals(['s1', 'many-7', 'none'])).toEqual(new Map([
        ['s1', { costUsd: s1?.costUsd ?? 0, calls: s1?.calls ?? 0 }],
        ['many-7', k >= 5 ? { costUsd: expected(all, 'many-7')?.costUsd, calls: 1 } : { costUsd: 0, calls: 0 }],
        ['none', { costUsd: 0, calls: 0 }],
      ]));
    });
    expect(foldMark(s)).toBeGreaterThan(0);
    const before = answers(s);
    expect(answers(store(true))).toEqual(before);
    s.close();
    expect(answers(store())).toEqual(before);
  });

  it('the same answers whether a session was folded in once or in many parts (any costs)', () => {
    const rand = mulberry32(3);
    const s = store();
    for (let i = 0; i < 40; i++) {
      const batch = calls(rand, 1000, T0 + i * 10_000).map((c) => ({ ...c, call: { ...c.call, costUsd: c.call.priced ? rand() / 7 : undefined } }));
      flush(s, batch);
      if (i % 7 === 0) {
        const before = answers(s);
        s.prune(-Infinity, -Infinity, -Infinity); // folds the tail, prunes nothing
        expect(answers(s)).toEqual(before);
      }
    }
  });

  it('the writer adds its blocks to the tail from the columns it held, to the bit what a reader decodes', () => {
    const rand = mulberry32(21);
    const s = store();
    for (let i = 0; i < 12; i++) {
      const batch = calls(rand, 700, T0 + i * 10_000).map((c) => ({ ...c, call: { ...c.call, costUsd: c.call.priced ? rand() / 3 : undefined } }));
      const blocks = sealCalls(batch);
      expect(blocks.every((b) => b.sessions !== undefined)).toBe(true);
      s.flush({ blocks, rollups: [], sketches: [], budgetSpend: [] });
      // A fresh read-only connection decodes the same blocks from the file.
      expect(answers(store(true))).toEqual(answers(s));
    }
    expect(foldMark(s)).toBe(0);
  });

  it('a flush that fails after its ledger blocks (and a fold) leaves the answers as they were', () => {
    const rand = mulberry32(12);
    const s = store();
    const all = calls(rand, 3000, T0);
    flush(s, all);
    const before = answers(s);
    // A session per call: the flush folds, then fails on a bad rollup row; everything rolls back.
    const failed = calls(rand, 9000, T0 + 100_000);
    for (const [i, c] of failed.entries()) c.call.sessionId = `many-${i}`;
    const badRollup = { res: 'm', bucket: 0, series: null } as never;
    expect(() => s.flush({ blocks: sealCalls(failed), rollups: [badRollup], sketches: [], budgetSpend: [] })).toThrow(/NOT NULL/);
    expect(foldMark(s)).toBe(0);
    expect(answers(s)).toEqual(before);
    flush(s, failed);
    expect(foldMark(s)).toBeGreaterThan(0);
    all.push(...failed);
    for (const id of [...IDS, 'many-0', 'many-8999']) expect(s.session(id), id).toEqual(expected(all, id));
  });

  it('counts calls written after a prune emptied the ledger (block ids never restart)', () => {
    const s = store();
    flush(s, [{ ts: T0, durationMs: 1, call: pricedCall({ at: T0, sessionId: 'a', costUsd: 1 }) }]);
    s.prune(T0 + 1, 0, 0);
    expect(s.session('a')).toBeUndefined();
    const later = T0 + 86_400_000;
    flush(s, [{ ts: later, durationMs: 1, call: pricedCall({ at: later, sessionId: 'a', costUsd: 2 }) }]);
    expect(s.session('a')).toMatchObject({ calls: 1, costUsd: 2 });
    expect(s.calls(0, 'a').map((c) => c.costUsd)).toEqual([2]);
  });

  it('prune keeps a session while it has calls in retention, with the totals of all its calls', () => {
    const s = store();
    const old = { ts: T0, durationMs: 10, call: pricedCall({ at: T0, sessionId: 'old', costUsd: 1 }) };
    const span = [T0, T0 + 10 * 86_400_000].map((ts) => ({ ts, durationMs: 10, call: pricedCall({ at: ts, sessionId: 'span', costUsd: 2 }) }));
    flush(s, [old, ...span]);
    s.prune(T0 + 86_400_000, 0, 0);
    expect(s.session('old')).toBeUndefined();
    expect(s.session('span')).toMatchObject({ calls: 2, costUsd: 4, firstMs: T0 });
    expect(s.calls(0, 'span').map((c) => c.tsMs)).toEqual([T0 + 10 * 86_400_000]);
    flush(s, [{ ts: T0 + 11 * 86_400_000, durationMs: 1, call: pricedCall({ at: T0, sessionId: 'old', costUsd: 8, responseModel: 'again' }) }]);
    expect(s.session('old')).toMatchObject({ calls: 1, costUsd: 8, models: ['again'] });
  });
});
