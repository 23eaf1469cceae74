// What users see of the per-call ledger: breakdown pages, session(), costByScoreTier(), across
// restarts, and an earlier build's store refused untouched.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNoopMeter } from '@opentelemetry/api';
import { CostAnalytics } from '../../src/analytics/engine.js';
import type { CostAnalyticsOptions } from '../../src/analytics/engine.js';
import type { BreakdownRow } from '../../src/analytics/query-types.js';
import { StoreError } from '../../src/store/store-error.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { fakeClock, pricedCall } from '../analytics/factory.js';
import { mulberry32 } from '../helpers/forecast-eval.js';
import { randomCalls } from './fixtures/random-calls.js';
import type { RandomCall } from './fixtures/random-calls.js';

const T0 = Date.UTC(2026, 2, 20, 15);
const HOUR = 3_600_000;
let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-cost-ledger-'));
  path = join(dir, 'cost.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(opts: Partial<CostAnalyticsOptions> & { clock: () => number }): CostAnalytics {
  return CostAnalytics.open({ store: path, budgets: [], timezone: 'UTC', flushIntervalMs: 0, meter: createNoopMeter(), ...opts });
}

/** Every breakdown row, a page of `limit` at a time. */
function walk(e: CostAnalytics, q: { hours: number; sessionId?: string; limit: number }): BreakdownRow[] {
  const rows: BreakdownRow[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = e.analytics.breakdown({ ...q, cursor });
    expect(page.rows.length).toBeLessThanOrEqual(q.limit);
    rows.push(...page.rows);
    if (page.nextCursor === null) return rows;
    cursor = page.nextCursor;
  }
}

/** What breakdown must return for these calls: time order, ties in recording order. */
function expectedRows(calls: readonly RandomCall[], fromMs: number, sessionId?: string): Pick<BreakdownRow, 'timeMs' | 'spanId' | 'totalCostUsd'>[] {
  return calls
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.ts >= fromMs && (sessionId === undefined || c.call.sessionId === sessionId))
    .sort((a, b) => a.c.ts - b.c.ts || a.i - b.i)
    .map(({ c }) => ({ timeMs: c.ts, spanId: c.call.spanId, totalCostUsd: c.call.costUsd ?? null }));
}

const brief = (rows: BreakdownRow[]) => rows.map((r) => ({ timeMs: r.timeMs, spanId: r.spanId, totalCostUsd: r.totalCostUsd }));

describe('ledger queries', () => {
  it('breakdown pages walk every call once, in time order, for all calls and for one session; session() and costByScoreTier() total them', async () => {
    const calls = randomCalls(mulberry32(5), 3000, T0 - 30 * HOUR);
    const clock = fakeClock(Math.max(...calls.map((c) => c.ts)) + 1000);
    const e = open({ clock: clock.now });
    for (const [i, c] of calls.entries()) {
      e.record(c.call);
      if (i % 700 === 0) await e.flush();
    }
    const from = clock.now() - 24 * HOUR;
    expect(brief(walk(e, { hours: 24, limit: 97 }))).toEqual(expectedRows(calls, from));
    expect(brief(walk(e, { hours: 24, limit: 1000 }))).toEqual(expectedRows(calls, from));
    expect(brief(walk(e, { hours: 48, sessionId: 's7', limit: 5 }))).toEqual(expectedRows(calls, 0, 's7'));

    const s7 = calls.filter((c) => c.call.sessionId === 's7');
    const cost = s7.reduce((s, c) => s + (c.call.costUsd ?? 0), 0);
    const session = e.analytics.session('s7');
    expect(session).toMatchObject({
      id: 's7',
      calls: s7.length,
      pricedCalls: s7.filter((c) => c.call.priced).length,
      errors: s7.filter((c) => c.call.error !== undefined).length,
      inputTokens: s7.length * 1000,
      firstMs: Math.min(...s7.map((c) => c.ts)),
      lastMs: Math.max(...s7.map((c) => c.ts)),
      models: [...new Set(s7.map((c) => c.call.responseModel ?? c.call.requestModel))].sort(),
    });
    expect(Math.abs(session!.costUsd - cost)).toBeLessThanOrEqual(1e-9 * cost);
    const [tier] = e.analytics.costByScoreTier({ low: ['s7', 's7', 'nobody'] });
    expect(tier).toMatchObject({ tier: 'low', sessions: 2, sessionsWithCalls: 1, calls: s7.length });
    expect(tier!.costUsd).toBe(session!.costUsd);
    await e.close();
  });

  it('a walk sees calls recorded while it pages, once each, and never repeats a row', async () => {
    const clock = fakeClock(T0);
    const e = open({ clock: clock.now });
    for (let i = 0; i < 50; i++) e.record(pricedCall({ at: T0 - 1000 + (i % 10), spanId: `old-${i}` }));
    const seen: string[] = [];
    let cursor: string | undefined;
    let added = 0;
    for (;;) {
      const page = e.analytics.breakdown({ hours: 1, limit: 7, cursor });
      seen.push(...page.rows.map((r) => r.spanId));
      // Calls keep arriving while the user pages (some at the same millisecond as the last row read).
      if (added < 30) {
        clock.advance(1);
        for (let k = 0; k < 3; k++) e.record(pricedCall({ at: clock.now() - (k === 0 ? 1 : 0), spanId: `new-${added++}` }));
      }
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(50 + added);
    expect(new Set(seen).size).toBe(seen.length);
    await e.close();
  });

  it('rejects a bad limit or cursor with a message naming it', () => {
    const e = open({ clock: () => T0 });
    expect(() => e.analytics.breakdown({ limit: 0 })).toThrow(/limit must be an integer from 1 to 1000, got 0/);
    expect(() => e.analytics.breakdown({ limit: 1001 })).toThrow(/limit must be an integer from 1 to 1000/);
    expect(() => e.analytics.breakdown({ cursor: 'garbage' })).toThrow(/cursor must be a nextCursor returned by breakdown\(\), got "garbage"/);
    expect(e.analytics.breakdown()).toEqual({ rows: [], nextCursor: null });
    return e.close();
  });

  it('a restart answers breakdown, session() and costByScoreTier() exactly as before', async () => {
    const calls = randomCalls(mulberry32(9), 1500, T0 - 20 * HOUR);
    const clock = fakeClock(T0);
    let e = open({ clock: clock.now });
    for (const c of calls) e.record(c.call);
    const answers = (x: CostAnalytics) => ({
      all: walk(x, { hours: 48, limit: 400 }),
      session: walk(x, { hours: 48, sessionId: 's3', limit: 10 }),
      s3: x.analytics.session('s3'),
      tiers: x.analytics.costByScoreTier({ a: ['s1', 's2'], b: ['s3', 'missing'] }),
    });
    const before = answers(e);
    expect(before.all).toHaveLength(1500);
    await e.close();
    e = open({ clock: clock.now });
    expect(answers(e)).toEqual(before);
    await e.close();
  });

  it('the service tier and a cost the span carried are kept per call, across a restart', async () => {
    const clock = fakeClock(T0);
    let e = open({ clock: clock.now });
    e.record(pricedCall({ at: T0 - HOUR, sessionId: 's', costUsd: 0.03, serviceTier: 'flex' }));
    e.record(pricedCall({ at: T0 - HOUR + 1, sessionId: 's', costUsd: 0.05, spanCostUsd: 0.0625 }));
    e.record(pricedCall({ at: T0 - HOUR + 2, sessionId: 's', priced: false, spanCostUsd: Number.NaN }));
    await e.flush();
    const want = [['flex', null, 0.03], [null, 0.0625, 0.05], [null, null, null]];
    const seen = (x: CostAnalytics) => x.analytics.breakdown({ hours: 2 }).rows.map((r) => [r.serviceTier, r.spanCostUsd, r.totalCostUsd]);
    expect(seen(e)).toEqual(want);
    await e.close();
    e = open({ clock: clock.now });
    expect(seen(e)).toEqual(want);
    await e.close();
  });

  it('retention also drops sessions and users with no call since from the top lists, after a restart too', async () => {
    const clock = fakeClock(T0);
    const tops = (x: CostAnalytics) => [x.analytics.topSessions({ n: 5 }).map((t) => t.id), x.analytics.topUsers({ n: 5 }).map((t) => t.id)];
    let e = open({ clock: clock.now, ledgerRetentionDays: 1 });
    e.record(pricedCall({ at: T0 - 30 * HOUR, sessionId: 'gone', userId: 'ann', costUsd: 9 }));
    e.record(pricedCall({ at: T0 - 30 * HOUR, sessionId: 'long', userId: 'bob', costUsd: 1 }));
    e.record(pricedCall({ at: T0 - 2 * HOUR, sessionId: 'long', userId: 'bob', costUsd: 2 }));
    await e.flush();
    expect(tops(e)).toEqual([['long'], ['bob']]);
    expect(e.analytics.session('gone')).toBeUndefined();
    await e.close();
    e = open({ clock: clock.now, ledgerRetentionDays: 1 });
    expect(tops(e)).toEqual([['long'], ['bob']]);
    await e.close();
  });

  it('retention drops old calls from breakdown and session(), and the store keeps them dropped after a restart', async () => {
    const clock = fakeClock(T0);
    let e = open({ clock: clock.now, ledgerRetentionDays: 1 });
    e.record(pricedCall({ at: T0 - 30 * HOUR, sessionId: 'long', costUsd: 1 }));
    e.record(pricedCall({ at: T0 - 2 * HOUR, sessionId: 'long', costUsd: 2 }));
    await e.flush();
    expect(e.analytics.breakdown({ hours: 48 }).rows.map((r) => r.totalCostUsd)).toEqual([2]);
    expect(e.analytics.session('long')).toMatchObject({ calls: 1, costUsd: 2, firstMs: T0 - 2 * HOUR });
    await e.close();
    e = open({ clock: clock.now, ledgerRetentionDays: 1 });
    expect(e.analytics.breakdown({ hours: 48 }).rows.map((r) => r.totalCostUsd)).toEqual([2]);
    await e.close();
  });
});

describe("an earlier build's store", () => {
  /** A file as the block-ledger build left it: its schema version, our meta row, its tables. */
  function earlierStore(version: number): void {
    const db = openSqlite(path);
    db.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('app', 'otel-llm-cost');
      CREATE TABLE ledger_block (id INTEGER PRIMARY KEY AUTOINCREMENT, first_ms INTEGER, last_ms INTEGER, calls INTEGER, cost_usd REAL, data BLOB);
      INSERT INTO ledger_block (first_ms, last_ms, calls, cost_usd, data) VALUES (1, 2, 3, 0.5, x'01');
      PRAGMA user_version = ${version};`);
    db.close();
  }

  for (const version of [1, 2, 3, 4]) {
    it(`schema ${version} is refused with what to do, and left as it was`, () => {
      earlierStore(version);
      const bytes = readFileSync(path);
      let err: unknown;
      try {
        open({ clock: () => T0 });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).path).toBe(path);
      expect((err as Error).message).toBe(`otel-llm-cost: cannot open store ${JSON.stringify(path)}: it was written by an earlier, unreleased build of otel-llm-cost `
        + `(store schema ${version}; this build reads schema 5 and converts no older one). Move or delete the file to start a new store, or set \`store\` to another path; the file was not modified`);
      expect(readFileSync(path).equals(bytes)).toBe(true);
      expect(existsSync(`${path}-wal`)).toBe(false);
      // The report CLI refuses it the same way.
      expect(() => open({ clock: () => T0, readOnly: true })).toThrow(/earlier, unreleased build/);
      expect(readFileSync(path).equals(bytes)).toBe(true);
    });
  }
});
