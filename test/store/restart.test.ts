import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNoopMeter } from '@opentelemetry/api';
import { CostAnalytics } from '../../src/analytics/engine.js';
import type { CostAnalyticsOptions } from '../../src/analytics/engine.js';
import { validateBudgets } from '../../src/analytics/budget-config.js';
import type { BudgetEvent } from '../../src/analytics/budget-tracker.js';
import { StoreError } from '../../src/store/store-error.js';
import { SCHEMA_VERSION } from '../../src/store/schema.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { fakeClock, pricedCall } from '../analytics/factory.js';
import { mulberry32 } from '../helpers/forecast-eval.js';

const T0 = Date.UTC(2026, 2, 20, 15);
let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-cost-store-'));
  path = join(dir, 'cost.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(opts: Partial<CostAnalyticsOptions> & { clock: () => number }): CostAnalytics {
  return CostAnalytics.open({ store: path, budgets: [], timezone: 'America/New_York', flushIntervalMs: 0, meter: createNoopMeter(), ...opts });
}

const budgets = validateBudgets([
  { name: 'month', limitUsd: 50, period: 'month', warnAt: [0.5] },
  { name: 'rolling', limitUsd: 20, period: '7d', match: { 'gen_ai.provider.name': 'anthropic' } },
]);

function snapshot(e: CostAnalytics) {
  const { budgets: statuses, ...rest } = {
    byModel1h: e.analytics.byModel({ hours: 1 }),
    byModel24h: e.analytics.byModel({ hours: 24 }),
    byModel30d: e.analytics.byModel({ hours: 24 * 30 }),
    daily: e.analytics.daily({ days: 60 }),
    dailyUtc: e.analytics.daily({ days: 30, timezone: 'UTC' }),
    sessions: e.analytics.topSessions({ n: 20 }),
    users: e.analytics.topUsers({ n: 20 }),
    budgets: e.analytics.budgets(),
  };
  return { ...rest, spent: statuses.map((b) => [b.name, b.spentUsd, b.forecastUsd]) };
}

describe('durable store', () => {
  it('a restart restores windows, top-K and budget spend exactly, and does not repeat events', async () => {
    const clock = fakeClock(T0 - 40 * 86_400_000);
    const events: BudgetEvent[] = [];
    const rand = mulberry32(3);
    let e = open({ clock: clock.now, budgets, topKCapacity: 50, onBudgetEvent: (ev) => events.push(ev) });
    for (let i = 0; i < 4000; i++) {
      clock.advance(Math.floor(rand() * 1_800_000));
      e.record(pricedCall({
        at: clock.now(),
        provider: rand() < 0.3 ? 'anthropic' : 'openai',
        responseModel: rand() < 0.5 ? 'gpt-4o-mini' : 'gpt-4o',
        sessionId: `s${Math.floor(rand() * 300)}`,
        userId: `u${Math.floor(rand() * 40)}`,
        costUsd: Math.round(rand() * 1e6) / 1e7,
        durationMs: 100 + Math.floor(rand() * 5000),
        priced: rand() > 0.05,
      }));
      if (i % 500 === 0) await e.flush();
    }
    await e.flush();
    const before = snapshot(e);
    const fired = events.length;
    expect(fired).toBeGreaterThan(0);
    await e.close();

    e = open({ clock: clock.now, budgets, topKCapacity: 50, onBudgetEvent: (ev) => events.push(ev) });
    expect(snapshot(e)).toEqual(before);
    await e.flush();
    expect(events).toHaveLength(fired);
    await e.close();
  });

  it('keeps the unpriced calls of top sessions and users across a restart; a sketch stored without them opens with 0', async () => {
    const clock = fakeClock(T0);
    let e = open({ clock: clock.now });
    e.record(pricedCall({ at: T0 - 3000, priced: false, sessionId: 's', userId: 'u' }));
    e.record(pricedCall({ at: T0 - 2000, costUsd: 0.5, sessionId: 's', userId: 'u' }));
    e.record(pricedCall({ at: T0 - 1000, priced: false, sessionId: 's', userId: 'u' }));
    await e.close();
    const counts = (x: CostAnalytics): number[][] => [...x.analytics.topSessions(), ...x.analytics.topUsers()].map((t) => [t.costUsd, t.calls, t.unpricedCalls]);
    e = open({ clock: clock.now });
    expect(counts(e)).toEqual([[0.5, 3, 2], [0.5, 3, 2]]);
    await e.close();
    // As an earlier build wrote the sketches: entries without unpricedCalls.
    const db = openSqlite(path);
    for (const row of db.prepare('SELECT kind, entries FROM sketch').all()) {
      const entries = (JSON.parse(row.entries as string) as Record<string, unknown>[]).map(({ unpricedCalls: _, ...rest }) => rest);
      db.prepare('UPDATE sketch SET entries = ? WHERE kind = ?').run(JSON.stringify(entries), row.kind as string);
    }
    db.close();
    e = open({ clock: clock.now });
    expect(counts(e)).toEqual([[0.5, 3, 0], [0.5, 3, 0]]);
    await e.close();
  });

  it('a new budget is rebuilt from the ledger', async () => {
    const clock = fakeClock(T0);
    let e = open({ clock: clock.now });
    e.record(pricedCall({ at: T0 - 1000, costUsd: 2, provider: 'anthropic' }));
    e.record(pricedCall({ at: T0 - 1000, costUsd: 3 }));
    await e.close();
    e = open({ clock: clock.now, budgets });
    expect(e.budgets.status().map((s) => [s.name, s.spentUsd])).toEqual([['month', 5], ['rolling', 2]]);
    await e.close();
  });

  it('the report CLI reads the store read-only', async () => {
    const { runReport } = await import('../../src/cli/report.js');
    const clock = fakeClock(Date.now());
    const e = open({ clock: clock.now, budgets });
    e.record(pricedCall({ at: clock.now() - 60_000, costUsd: 1.25, sessionId: 'sess-1' }));
    await e.close();
    const bytes = readFileSync(path);
    let text = '';
    const out = { write: (s: string) => { text += s; return true; } } as unknown as NodeJS.WritableStream;
    expect(await runReport(['--store', path, '--days', '3'], out)).toBe(0);
    expect(text).toContain('Last 3 days: $1.25 over 1 calls');
    expect(text).toContain('openai/gpt-4o-2024-08-06');
    expect(text).toContain('sess-1');
    expect(text).toMatch(/month \(month, UTC\): \$1\.25 of \$50\.00/);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    text = '';
    expect(await runReport(['--store', join(dir, 'missing.db')], out)).toBe(2);
    expect(text).toMatch(/no store exists/);
    expect(await runReport(['--days', 'x'], out)).toBe(2);
  });
});

describe('write failures', () => {
  it('surface through flush() and stats(), keep the calls, and succeed once the store is free', async () => {
    const clock = fakeClock(T0);
    const e = open({ clock: clock.now, busyTimeoutMs: 20 });
    e.record(pricedCall({ at: T0 - 1000, sessionId: 'locked', costUsd: 0.5 }));
    const other = openSqlite(path);
    other.exec('BEGIN IMMEDIATE');
    await expect(e.flush()).rejects.toThrow(/database is locked/);
    expect(e.stats()).toMatchObject({ flushErrors: 1, pending: 1, lastFlushError: 'database is locked' });
    other.exec('ROLLBACK');
    other.close();
    await expect(e.flush()).resolves.toBeUndefined();
    expect(e.stats().pending).toBe(0);
    expect(e.analytics.session('locked')).toMatchObject({ calls: 1, costUsd: 0.5 });
    await e.close();
  });
});

describe('budget events while the store refuses writes', () => {
  it('fire at once, are stored once the store is free, and do not fire again after a restart', async () => {
    const clock = fakeClock(T0);
    const day = validateBudgets([{ name: 'day', limitUsd: 1, period: 'day', warnAt: [0.5] }]);
    const fired: BudgetEvent[] = [];
    const e = open({ clock: clock.now, busyTimeoutMs: 20, budgets: day, onBudgetEvent: (ev) => fired.push(ev) });
    e.record(pricedCall({ at: T0 - 1000, costUsd: 0.6 }));
    const other = openSqlite(path);
    other.exec('BEGIN IMMEDIATE');
    await expect(e.flush()).rejects.toThrow(/database is locked/);
    expect(fired.map((f) => `${f.budget}/${f.level}`)).toContain('day/warning');
    const firedWhileLocked = fired.length;
    other.exec('ROLLBACK');
    other.close();
    await e.flush();
    await e.close();
    expect(fired).toHaveLength(firedWhileLocked);

    const again: BudgetEvent[] = [];
    const reopened = open({ clock: clock.now, budgets: day, onBudgetEvent: (ev) => again.push(ev) });
    await reopened.flush();
    expect(again).toEqual([]);
    await reopened.close();
  });
});

describe('refusing bad files without touching them', () => {
  function expectRefused(pattern: RegExp): void {
    const bytes = readFileSync(path);
    let err: unknown;
    try {
      open({ clock: () => T0 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(pattern);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  }

  it('garbage bytes', () => {
    writeFileSync(path, Buffer.from('this is not a database at all, just some text\n'.repeat(200)));
    expectRefused(/not a SQLite database/);
  });

  it('a store with corrupted pages', async () => {
    const e = open({ clock: () => T0 });
    for (let i = 0; i < 2000; i++) e.record(pricedCall({ at: T0 - i * 1000, sessionId: `s${i}` }));
    await e.close();
    const bytes = readFileSync(path);
    for (let i = 4096 * 2; i < bytes.length; i += 97) bytes[i] = 0x5a;
    writeFileSync(path, bytes);
    expectRefused(/corrupt/);
  });

  it('a newer schema', async () => {
    const e = open({ clock: () => T0 });
    await e.close();
    const db = openSqlite(path);
    db.exec(`PRAGMA journal_mode = DELETE; PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expectRefused(new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than this otel-llm-cost`));
  });

  it('a path in a missing directory', () => {
    expect(() => CostAnalytics.open({ store: join(dir, 'no', 'such', 'dir.db'), clock: () => T0, budgets: [], timezone: 'UTC', flushIntervalMs: 0, meter: createNoopMeter() }))
      .toThrow(/cannot create or open it .*directory/);
  });

  it("another application's database", () => {
    const db = openSqlite(path);
    db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY)');
    db.close();
    expectRefused(/another application/);
  });
});
