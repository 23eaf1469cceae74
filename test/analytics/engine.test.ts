import { afterEach, describe, expect, it } from 'vitest';
import { createNoopMeter } from '@opentelemetry/api';
import { CostAnalytics } from '../../src/analytics/engine.js';
import type { CostAnalyticsOptions } from '../../src/analytics/engine.js';
import { validateBudgets } from '../../src/analytics/budget-config.js';
import type { BudgetEvent } from '../../src/analytics/budget-tracker.js';
import { fakeClock, pricedCall } from './factory.js';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 86_400_000;
const open: CostAnalytics[] = [];

function engine(opts: Partial<CostAnalyticsOptions> & { clock: () => number }): CostAnalytics {
  const e = CostAnalytics.open({ store: ':memory:', budgets: [], timezone: 'UTC', flushIntervalMs: 0, meter: createNoopMeter(), ...opts });
  open.push(e);
  return e;
}

afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
});

describe('windows and queries', () => {
  it('byModel sums the last hours per provider/model with a true mean duration', () => {
    const clock = fakeClock(T0);
    const e = engine({ clock: clock.now });
    e.record(pricedCall({ at: T0 - 30 * 60_000, costUsd: 0.5, durationMs: 1000 }));
    e.record(pricedCall({ at: T0 - 20 * 60_000, costUsd: 0.25, durationMs: 2000 }));
    e.record(pricedCall({ at: T0 - 10 * 60_000, costUsd: 0.125, durationMs: 6000 }));
    e.record(pricedCall({ at: T0 - 5 * 60_000, provider: 'anthropic', requestModel: 'claude-sonnet-4', responseModel: undefined, costUsd: 2 }));
    e.record(pricedCall({ at: T0 - 3 * HOUR, costUsd: 4 }));
    e.record(pricedCall({ at: T0 - 1000, requestModel: 'mystery', responseModel: undefined, priced: false }));
    const rows = e.analytics.byModel({ hours: 1 });
    expect(rows.map((r) => [r.provider, r.model, r.costUsd, r.calls, r.pricedCalls])).toEqual([
      ['anthropic', 'claude-sonnet-4', 2, 1, 1],
      ['openai', 'gpt-4o-2024-08-06', 0.875, 3, 3],
      ['openai', 'mystery', 0, 1, 0],
    ]);
    // (1000 + 2000 + 6000) / 3, not a pairwise running average ((1000+2000)/2+6000)/2 = 3750.
    expect(rows[1]?.avgDurationMs).toBe(3000);
    expect(rows[2]?.avgCostPerCallUsd).toBeNull();
    expect(e.analytics.byModel({ hours: 4 }).find((r) => r.model === 'gpt-4o-2024-08-06')?.costUsd).toBe(4.875);
    expect(e.analytics.by({ dimension: 'provider', hours: 4 }).map((r) => [r.key, r.calls])).toEqual([['openai', 5], ['anthropic', 1]]);
  });

  it('daily honours days (zero days included) and trend averages over the window', () => {
    const clock = fakeClock(T0);
    const e = engine({ clock: clock.now });
    for (let d = 0; d < 20; d++) e.record(pricedCall({ at: T0 - d * DAY, costUsd: d + 1 }));
    const daily = e.analytics.daily({ days: 3 });
    expect(daily.map((r) => [r.date, r.costUsd])).toEqual([['2026-01-13', 3], ['2026-01-14', 2], ['2026-01-15', 1]]);
    expect(e.analytics.daily({ days: 30 })).toHaveLength(30);
    expect(e.analytics.daily({ days: 30 })[0]?.calls).toBe(0);
    const trend = e.analytics.trend({ metric: 'cost', days: 2, window: 3 });
    expect(trend.points).toEqual([
      { date: '2026-01-14', value: 2, movingAverage: (4 + 3 + 2) / 3 },
      { date: '2026-01-15', value: 1, movingAverage: (3 + 2 + 1) / 3 },
    ]);
  });

  it('daily in another timezone regroups hour buckets at that midnight', () => {
    const clock = fakeClock(Date.UTC(2026, 0, 15, 12));
    const e = engine({ clock: clock.now });
    e.record(pricedCall({ at: Date.UTC(2026, 0, 15, 4, 30), costUsd: 1 })); // Jan 14, 23:30 in New York
    e.record(pricedCall({ at: Date.UTC(2026, 0, 15, 5, 30), costUsd: 2 })); // Jan 15, 00:30 in New York
    expect(e.analytics.daily({ days: 2, timezone: 'America/New_York' }).map((r) => r.costUsd)).toEqual([1, 2]);
    expect(e.analytics.daily({ days: 2 }).map((r) => r.costUsd)).toEqual([0, 3]);
  });

  it('breakdown gives per-call costs and no division by zero', () => {
    const clock = fakeClock(T0);
    const e = engine({ clock: clock.now });
    e.record(pricedCall({ at: T0 - 1000, sessionId: 's1', costUsd: 0.3, costs: { input: 0, cacheRead: 0, cacheWrite: 0, output: 0.3, reasoning: 0 } }));
    e.record(pricedCall({ at: T0 - 500, sessionId: 's1', costUsd: 0.4, costs: { input: 0.1, cacheRead: 0.1, cacheWrite: 0, output: 0.2, reasoning: 0 } }));
    e.record(pricedCall({ at: T0 - 400, sessionId: 's2' }));
    const { rows, nextCursor } = e.analytics.breakdown({ sessionId: 's1', hours: 1 });
    expect(nextCursor).toBeNull();
    expect(rows.map((r) => [r.inputCostUsd, r.cacheReadCostUsd, r.outputCostUsd, r.totalCostUsd, r.cacheReadCostShare])).toEqual([
      [0, 0, 0.3, 0.3, null],
      [0.1, 0.1, 0.2, 0.4, 0.5],
    ]);
    expect(e.analytics.breakdown({ hours: 1 }).rows).toHaveLength(3);
  });

  it('session() and costByScoreTier() are exact from the ledger', () => {
    const clock = fakeClock(T0);
    const e = engine({ clock: clock.now });
    e.record(pricedCall({ at: T0 - 3000, sessionId: 'a', costUsd: 1, requestModel: 'gpt-4o-mini', responseModel: undefined }));
    e.record(pricedCall({ at: T0 - 2000, sessionId: 'a', costUsd: 2 }));
    e.record(pricedCall({ at: T0 - 1000, sessionId: 'b', costUsd: 4 }));
    e.record(pricedCall({ at: T0 - 1000, sessionId: 'c', priced: false }));
    const s = e.analytics.session('a');
    expect(s).toMatchObject({ id: 'a', calls: 2, costUsd: 3, models: ['gpt-4o-2024-08-06', 'gpt-4o-mini'], firstMs: T0 - 3000, lastMs: T0 - 2000, inputTokens: 2000 });
    expect(e.analytics.session('nope')).toBeUndefined();
    expect(e.analytics.costByScoreTier({ good: ['a', 'b'], bad: ['c', 'zzz'] })).toEqual([
      { tier: 'good', sessions: 2, sessionsWithCalls: 2, calls: 3, costUsd: 7, avgCostPerSessionUsd: 3.5 },
      { tier: 'bad', sessions: 2, sessionsWithCalls: 1, calls: 1, costUsd: 0, avgCostPerSessionUsd: 0 },
    ]);
  });

  it('top sessions and users are ordered by cost', () => {
    const clock = fakeClock(T0);
    const e = engine({ clock: clock.now });
    e.record(pricedCall({ sessionId: 'x', userId: 'u1', costUsd: 1 }));
    e.record(pricedCall({ sessionId: 'y', userId: 'u1', costUsd: 3 }));
    e.record(pricedCall({ sessionId: 'x', userId: 'u2', costUsd: 1.5 }));
    expect(e.analytics.topSessions({ n: 2 }).map((t) => [t.id, t.costUsd, t.calls, t.exact])).toEqual([['y', 3, 1, true], ['x', 2.5, 2, true]]);
    expect(e.analytics.topUsers().map((t) => [t.id, t.costUsd])).toEqual([['u1', 4], ['u2', 1.5]]);
  });

  it('top sessions and users count their unpriced calls: a cost of only unpriced calls is unknown, not $0', () => {
    const e = engine({ clock: () => T0 });
    e.record(pricedCall({ at: T0 - 6000, sessionId: 'dark', userId: 'u-dark', priced: false }));
    e.record(pricedCall({ at: T0 - 5000, sessionId: 'mixed', userId: 'u-mixed', costUsd: 0.25 }));
    e.record(pricedCall({ at: T0 - 4000, sessionId: 'dark', userId: 'u-dark', priced: false }));
    e.record(pricedCall({ at: T0 - 3000, sessionId: 'mixed', userId: 'u-mixed', priced: false, requestModel: 'mystery', responseModel: undefined }));
    e.record(pricedCall({ at: T0 - 2000, sessionId: 'dark', userId: 'u-dark', priced: false, unpricedReason: 'missing_usage' }));
    e.record(pricedCall({ at: T0 - 1000, sessionId: 'mixed', userId: 'u-mixed', costUsd: 0.5 }));
    const ranked = { errorUsd: 0, exact: true, rankingExact: true, unlistedMaxUsd: 0 };
    expect(e.analytics.topSessions()).toEqual([
      { id: 'mixed', costUsd: 0.75, calls: 3, unpricedCalls: 1, firstMs: T0 - 5000, lastMs: T0 - 1000, ...ranked },
      { id: 'dark', costUsd: 0, calls: 3, unpricedCalls: 3, firstMs: T0 - 6000, lastMs: T0 - 2000, ...ranked },
    ]);
    expect(e.analytics.topUsers()).toEqual([
      { id: 'u-mixed', costUsd: 0.75, calls: 3, unpricedCalls: 1, firstMs: T0 - 5000, lastMs: T0 - 1000, ...ranked },
      { id: 'u-dark', costUsd: 0, calls: 3, unpricedCalls: 3, firstMs: T0 - 6000, lastMs: T0 - 2000, ...ranked },
    ]);
    // The text summary says the same.
    const summary = e.analytics.summary();
    for (const [title, mixed, dark] of [['Top sessions:', 'mixed', 'dark'], ['Top users:', 'u-mixed', 'u-dark']] as const) {
      expect(summary.slice(summary.indexOf(title)).split('\n').slice(0, 3)).toEqual([
        title,
        `  ${mixed.padEnd(40)} ${'$0.75'.padStart(12)}  (1 unpriced)`,
        `  ${dark.padEnd(40)} ${'unpriced'.padStart(12)}`,
      ]);
    }
  });

  it('a top session corrected from the ledger takes its cost, calls and unpriced calls from the ledger', () => {
    const e = engine({ clock: () => T0, topKCapacity: 2 });
    e.record(pricedCall({ at: T0 - 5000, sessionId: 'm', priced: false }));
    e.record(pricedCall({ at: T0 - 4000, sessionId: 'x', costUsd: 5.5 }));
    e.record(pricedCall({ at: T0 - 3000, sessionId: 'z', costUsd: 1 })); // full: replaces m (0)
    e.record(pricedCall({ at: T0 - 2000, sessionId: 'm', costUsd: 2 })); // m comes back in place of z: weight 3, error 1
    e.record(pricedCall({ at: T0 - 1000, sessionId: 'm', costUsd: 3 }));
    // The sketch holds m at $6 (at least $5) over 2 calls, none unpriced: its bounds cannot order
    // m and x ($5.5), so both are looked up in the ledger, which has all 3 calls of m.
    const bounds = { errorUsd: 0, exact: true, rankingExact: false, unlistedMaxUsd: 5.5 };
    expect(e.analytics.topSessions({ n: 2 })).toEqual([
      { id: 'x', costUsd: 5.5, calls: 1, unpricedCalls: 0, firstMs: T0 - 4000, lastMs: T0 - 4000, ...bounds },
      { id: 'm', costUsd: 5, calls: 3, unpricedCalls: 1, firstMs: T0 - 2000, lastMs: T0 - 1000, ...bounds },
    ]);
    expect(e.analytics.session('m')).toMatchObject({ costUsd: 5, calls: 3, unpricedCalls: 1 });
  });

  it('retention: the ledger and fine buckets expire, day rollups are kept for good', async () => {
    const clock = fakeClock(T0);
    const e = engine({ clock: clock.now, ledgerRetentionDays: 2 });
    e.record(pricedCall({ at: T0 - 40 * DAY, costUsd: 1 }));
    e.record(pricedCall({ at: T0 - 3 * DAY, costUsd: 2 }));
    e.record(pricedCall({ at: T0 - 1000, costUsd: 4 }));
    await e.flush();
    expect(e.analytics.breakdown({ hours: 24 * 60 }).rows.map((r) => r.totalCostUsd)).toEqual([4]);
    expect(e.analytics.daily({ days: 41 }).filter((d) => d.calls > 0).map((d) => [d.date, d.costUsd])).toEqual([
      ['2025-12-06', 1], ['2026-01-12', 2], ['2026-01-15', 4],
    ]);
    // Older than 35 days: answered from day buckets.
    expect(e.analytics.byModel({ hours: 24 * 41 })[0]?.costUsd).toBe(7);
    // Older than 48 h: the hour buckets still answer, at hour precision.
    expect(e.analytics.byModel({ hours: 24 * 4 })[0]?.costUsd).toBe(6);
  });

  it('rejects bad query parameters', () => {
    const e = engine({ clock: () => T0 });
    expect(() => e.analytics.daily({ days: 0 })).toThrow(/days must be an integer/);
    expect(() => e.analytics.byModel({ hours: -1 })).toThrow(/hours must be a number/);
    expect(() => e.analytics.daily({ timezone: 'Nowhere/Land' })).toThrow(/unknown timezone/);
  });

  it('record() never throws on garbage', () => {
    const e = engine({ clock: () => T0 });
    expect(() => e.record({ ...pricedCall(), tokens: undefined } as never)).not.toThrow();
    expect(e.stats().recordErrors).toBe(1);
  });

  it('odd values never poison the store: the flush succeeds and later calls persist', async () => {
    const e = engine({ clock: () => T0 });
    e.record(pricedCall({ at: T0 - 2000, sessionId: 's', costUsd: Number.NaN, serviceName: undefined as unknown as string }));
    e.record(pricedCall({ at: T0 - 1000, sessionId: 's', costUsd: 0.25 }));
    await expect(e.flush()).resolves.toBeUndefined();
    expect(e.analytics.session('s')).toMatchObject({ calls: 2, costUsd: 0.25 });
    expect(e.analytics.byModel({ hours: 1 })[0]?.costUsd).toBe(0.25);
    expect(e.stats()).toMatchObject({ flushErrors: 0, pending: 0 });
  });

  it('flushes early, without waiting for the interval, once flushBatchSize calls are buffered', async () => {
    const e = engine({ clock: () => T0, flushBatchSize: 100 });
    for (let i = 0; i < 99; i++) e.record(pricedCall({ at: T0 - 1000 }));
    await new Promise((r) => setImmediate(r));
    expect(e.stats().pending).toBe(99);
    e.record(pricedCall({ at: T0 - 1000 }));
    expect(e.stats().pending).toBe(100);
    await new Promise((r) => setImmediate(r));
    expect(e.stats()).toMatchObject({ pending: 0, recorded: 100, flushErrors: 0 });
  });
});

describe('budgets', () => {
  const NY = 'America/New_York';

  it('a daily budget rolls over at New York midnight across the March DST change', async () => {
    const budgets = validateBudgets([{ name: 'daily', limitUsd: 10, period: 'day', timezone: NY }]);
    const clock = fakeClock(Date.parse('2026-03-08T12:00:00Z'));
    const e = engine({ clock: clock.now, budgets });
    e.record(pricedCall({ at: Date.parse('2026-03-08T05:00:00Z'), costUsd: 1 })); // 00:00 EST, first instant of Mar 8
    e.record(pricedCall({ at: Date.parse('2026-03-09T03:59:59Z'), costUsd: 2 })); // 23:59:59 EDT Mar 8
    e.record(pricedCall({ at: Date.parse('2026-03-09T04:00:00Z'), costUsd: 4 })); // 00:00 EDT Mar 9
    clock.set(Date.parse('2026-03-09T03:59:59Z'));
    let [s] = e.budgets.status();
    expect(s?.spentUsd).toBe(3);
    expect((s!.periodEndMs - s!.periodStartMs) / HOUR).toBe(23);
    clock.set(Date.parse('2026-03-09T04:00:00Z'));
    [s] = e.budgets.status();
    expect(s?.spentUsd).toBe(4);
    expect(new Date(s!.periodEndMs).toISOString()).toBe('2026-03-10T04:00:00.000Z');
  });

  it('a daily budget rolls over at New York midnight across the November DST change (25 h day)', () => {
    const budgets = validateBudgets([{ name: 'daily', limitUsd: 10, period: 'day', timezone: NY }]);
    const clock = fakeClock(Date.parse('2026-11-02T04:59:59Z')); // 23:59:59 EST, Nov 1
    const e = engine({ clock: clock.now, budgets });
    e.record(pricedCall({ at: Date.parse('2026-11-01T03:59:59Z'), costUsd: 8 })); // 23:59:59 EDT Oct 31
    e.record(pricedCall({ at: Date.parse('2026-11-01T04:00:00Z'), costUsd: 1 })); // 00:00 EDT Nov 1
    e.record(pricedCall({ at: Date.parse('2026-11-02T04:59:59Z'), costUsd: 2 })); // 23:59:59 EST Nov 1
    let [s] = e.budgets.status();
    expect(s?.spentUsd).toBe(3);
    expect((s!.periodEndMs - s!.periodStartMs) / HOUR).toBe(25);
    clock.set(Date.parse('2026-11-02T05:00:00Z')); // 00:00 EST Nov 2
    [s] = e.budgets.status();
    expect(s?.spentUsd).toBe(0);
    expect(new Date(s!.periodStartMs).toISOString()).toBe('2026-11-02T05:00:00.000Z');
  });

  it('a weekly budget spans the November DST change (7 days + 1 hour)', () => {
    const budgets = validateBudgets([{ name: 'weekly', limitUsd: 10, period: 'week', timezone: NY }]);
    const clock = fakeClock(Date.parse('2026-11-01T12:00:00Z'));
    const e = engine({ clock: clock.now, budgets });
    e.record(pricedCall({ at: Date.parse('2026-10-26T04:00:00Z'), costUsd: 1 })); // Mon Oct 26 00:00 EDT
    e.record(pricedCall({ at: Date.parse('2026-10-26T03:59:59Z'), costUsd: 8 })); // previous week
    const [s] = e.budgets.status();
    expect(s?.spentUsd).toBe(1);
    expect(new Date(s!.periodStartMs).toISOString()).toBe('2026-10-26T04:00:00.000Z');
    expect(new Date(s!.periodEndMs).toISOString()).toBe('2026-11-02T05:00:00.000Z');
  });

  it('monthly spend is the period spend, not all-time', () => {
    const budgets = validateBudgets([{ name: 'm', limitUsd: 100, period: 'month' }]);
    const clock = fakeClock(Date.UTC(2026, 1, 10));
    const e = engine({ clock: clock.now, budgets });
    e.record(pricedCall({ at: Date.UTC(2026, 0, 20), costUsd: 50 }));
    e.record(pricedCall({ at: Date.UTC(2026, 1, 2), costUsd: 7 }));
    expect(e.analytics.budgets()[0]).toMatchObject({ spentUsd: 7, limitUsd: 100, remainingUsd: 93, forecastMethod: 'holt-winters', exceeded: false });
  });

  it('a rolling 24h budget forgets spend older than 24 hours', () => {
    const budgets = validateBudgets([{ name: 'r', limitUsd: 100, period: '24h' }]);
    const clock = fakeClock(T0);
    const e = engine({ clock: clock.now, budgets });
    e.record(pricedCall({ at: T0 - 25 * HOUR, costUsd: 5 }));
    e.record(pricedCall({ at: T0 - 23 * HOUR, costUsd: 6 }));
    e.record(pricedCall({ at: T0 - 1, costUsd: 7 }));
    expect(e.budgets.status()[0]?.spentUsd).toBe(13);
    clock.advance(2 * HOUR);
    expect(e.budgets.status()[0]?.spentUsd).toBe(7);
  });

  it('check() blocks only a matching exhausted block budget', () => {
    const budgets = validateBudgets([
      { name: 'oa', limitUsd: 1, period: 'day', match: { 'gen_ai.provider.name': 'openai' }, action: 'block' },
      { name: 'all', limitUsd: 1.5, period: 'day' },
    ]);
    const e = engine({ clock: () => T0, budgets });
    expect(e.budgets.check({ 'gen_ai.provider.name': 'openai' })).toMatchObject({ allowed: true, budget: 'oa', spent: 0, limit: 1 });
    e.record(pricedCall({ at: T0 - 1000, costUsd: 1 }));
    e.record(pricedCall({ at: T0 - 1000, provider: 'anthropic', costUsd: 0.75 }));
    const blocked = e.budgets.check({ 'gen_ai.provider.name': 'openai' });
    expect(blocked).toMatchObject({ allowed: false, budget: 'oa', spent: 1, limit: 1 });
    expect(blocked.reason).toMatch(/exhausted/);
    expect(e.budgets.check({ 'gen_ai.provider.name': 'anthropic' })).toMatchObject({ allowed: true, budget: 'all', spent: 1.75, limit: 1.5 });
  });

  it('fires each level once per period, again in the next period', async () => {
    const budgets = validateBudgets([{ name: 'd', limitUsd: 10, period: 'day', warnAt: [0.5, 0.8] }]);
    const events: BudgetEvent[] = [];
    const clock = fakeClock(T0);
    const e = engine({ clock: clock.now, budgets, onBudgetEvent: (ev) => events.push(ev) });
    e.record(pricedCall({ at: T0, costUsd: 6 }));
    await e.flush();
    await e.flush();
    expect(events.map((ev) => [ev.level, ev.threshold])).toEqual([['warning', 0.5]]);
    e.record(pricedCall({ at: T0, costUsd: 5 }));
    await e.flush();
    expect(events.map((ev) => [ev.level, ev.threshold])).toEqual([['warning', 0.5], ['warning', 0.8], ['exceeded', 1]]);
    clock.advance(DAY);
    e.record(pricedCall({ at: clock.now(), costUsd: 5 }));
    await e.flush();
    // Half of the new day gone, $5 spent, yesterday $11: the projection ($5 + $11 x 0.5) passes the limit.
    const key = `day:${Math.floor((T0 + DAY) / DAY)}`;
    expect(events.slice(3).map((ev) => [ev.level, ev.threshold, ev.periodKey])).toEqual([['warning', 0.5, key], ['forecast', 1, key]]);
    expect(events[4]?.forecastUsd).toBe(10.5);
  });
});
