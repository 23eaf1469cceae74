import { afterEach, describe, expect, it } from 'vitest';
import { createNoopMeter } from '@opentelemetry/api';
import { CostAnalytics } from '../../src/analytics/engine.js';
import { analyticsRoute } from '../../src/analytics/http-api.js';
import { budgetOutlook } from '../../src/analytics/budget-outlook.js';
import type { BudgetStatus } from '../../src/analytics/budget-tracker.js';
import type { BreakdownPage } from '../../src/analytics/query-types.js';
import type { UsageView } from '../../src/analytics/usage.js';
import { fakeClock, pricedCall } from './factory.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 15, 12);
let engine: CostAnalytics | undefined;

afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

function open(clock: () => number, store = ':memory:'): CostAnalytics {
  engine = CostAnalytics.open({
    store, clock, timezone: 'UTC', flushIntervalMs: 0, meter: createNoopMeter(),
    budgets: [{ name: 'daily', limitUsd: 1, period: 'day', warnAt: [0.5] }],
  });
  return engine;
}

function get<T>(url: string): { status: number; body: T } {
  const u = new URL(url, 'http://localhost');
  return analyticsRoute(engine!, u.pathname, u.searchParams) as { status: number; body: T };
}

describe('analytics.usage()', () => {
  it('answers the page in one view: range totals with cache savings, unpriced models, tables, daily split by model, budgets', () => {
    const clock = fakeClock(T0);
    const e = open(clock.now);
    e.record(pricedCall({ at: T0 - HOUR, costUsd: 0.25, cacheSavingsUsd: 0.05, sessionId: 's1', tokens: { input: 100, cacheRead: 900, cacheWrite: 0, output: 50, reasoning: 0 } }));
    e.record(pricedCall({ at: T0 - 2 * HOUR, costUsd: 0.125, responseModel: 'gpt-4o-mini', agentName: 'planner', sessionId: 's1' }));
    e.record(pricedCall({ at: T0 - 3 * HOUR, priced: false, provider: 'acme', requestModel: 'acme-1', responseModel: undefined, sessionId: 's2' }));
    // Two days ago: outside 24 h, inside 7 d.
    e.record(pricedCall({ at: T0 - 2 * DAY, costUsd: 2, cacheSavingsUsd: -1 }));

    const day = e.analytics.usage({ hours: 24, days: 3 });
    expect(day.totals).toMatchObject({ calls: 3, pricedCalls: 2, unpricedCalls: 1, costUsd: 0.375, cacheSavingsUsd: 0.05 });
    expect(day.totals.totalTokens).toBe(100 + 900 + 50 + 2 * 1200);
    expect(day.unpricedModels).toEqual([{ provider: 'acme', model: 'acme-1', calls: 1 }]);
    expect(day.byModel.map((m) => [m.model, m.costUsd])).toEqual([['gpt-4o-2024-08-06', 0.25], ['gpt-4o-mini', 0.125], ['acme-1', 0]]);
    expect(day.byAgent.map((a) => a.key)).toEqual(['', 'planner']);
    expect(day.daily.map((d) => [d.date, d.costUsd])).toEqual([['2026-01-13', 2], ['2026-01-14', 0], ['2026-01-15', 0.375]]);
    expect(day.dailyByModel.dates).toEqual(['2026-01-13', '2026-01-14', '2026-01-15']);
    expect(day.dailyByModel.series).toEqual([
      { key: 'gpt-4o-2024-08-06', other: false, costUsd: [2, 0, 0.25], calls: 2, unpricedCalls: 0 },
      { key: 'gpt-4o-mini', other: false, costUsd: [0, 0, 0.125], calls: 1, unpricedCalls: 0 },
      // No price: its cost is unknown, and the series says so.
      { key: 'acme-1', other: false, costUsd: [0, 0, 0], calls: 1, unpricedCalls: 1 },
    ]);
    expect(day.topSessions.map((s) => [s.id, s.costUsd])).toEqual([['s1', 0.375], ['s2', 0]]);
    expect(day.budgets).toMatchObject([{ name: 'daily', spentUsd: 0.375, state: 'ok', spentToDate: { dates: ['2026-01-15'], cumulativeUsd: [0.375] } }]);

    const week = e.analytics.usage({ hours: 168 });
    expect(week.totals).toMatchObject({ calls: 4, costUsd: 2.375, cacheSavingsUsd: 0.05 });
    expect(week.daily).toHaveLength(30);

    // The same figures over HTTP; the top cap counts what it leaves out.
    const capped = get<UsageView>('/api/usage?hours=24&days=3&top=1');
    expect(capped.status).toBe(200);
    expect(capped.body.totals.costUsd).toBe(0.375);
    expect(capped.body.byModel).toHaveLength(1);
    expect(capped.body.omitted.byModel).toBe(2);
    expect(get('/api/usage?top=0').status).toBe(400);
    expect(get('/api/daily-by?days=3&top=1').body).toMatchObject({ series: [{ key: 'gpt-4o-2024-08-06' }, { key: '2 other models', other: true, costUsd: [0, 0, 0.125], calls: 2, unpricedCalls: 1 }] });
  });

  it('keeps cache savings across a restart', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/usage-`);
    try {
      const e = open(() => T0, `${dir}/s.db`);
      e.record(pricedCall({ at: T0 - HOUR, costUsd: 0.25, cacheSavingsUsd: 0.0625 }));
      await e.close();
      const again = open(() => T0, `${dir}/s.db`);
      expect(again.analytics.usage().totals.cacheSavingsUsd).toBe(0.0625);
      expect(again.analytics.daily({ days: 1 })[0]!.cacheSavingsUsd).toBe(0.0625);
    } finally {
      await engine?.close();
      engine = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pages a session\'s calls through /api/breakdown (limit 1..1000, cursor)', () => {
    const e = open(() => T0);
    for (let i = 0; i < 7; i++) e.record(pricedCall({ at: T0 - HOUR + i * 1000, costUsd: i, sessionId: 'S' }));
    const seen: number[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const r: { status: number; body: BreakdownPage } = get<BreakdownPage>(`/api/breakdown?session=S&hours=2&limit=3${cursor === '' ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      expect(r.status).toBe(200);
      expect(r.body.rows.length).toBeLessThanOrEqual(3);
      seen.push(...r.body.rows.map((x) => x.totalCostUsd!));
      cursor = r.body.nextCursor;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(get('/api/breakdown?limit=1001').status).toBe(400);
    expect(get('/api/breakdown?limit=0').status).toBe(400);
  });
});

describe('budgetOutlook', () => {
  const base: BudgetStatus = {
    name: 'b', period: 'day', timezone: 'UTC', action: 'alert', match: {}, limitUsd: 10, spentUsd: 2, remainingUsd: 8, usedFraction: 0.2,
    periodStartMs: 0, periodEndMs: 10 * HOUR, forecastUsd: 6, forecastMethod: 'sma7', exceeded: false, warnAt: [0.8], scope: 'replica',
  };

  it('runs out when the forecast rate reaches the limit before the period ends', () => {
    // 2 h in: $2 spent; the forecast adds $16 over the 8 h left ($2/h), so $8 more takes 4 h.
    expect(budgetOutlook({ ...base, forecastUsd: 18 }, 2 * HOUR)).toMatchObject({ state: 'warning', runOutMs: 6 * HOUR });
  });

  it('is ok with no run-out date while the forecast stays within the limit', () => {
    expect(budgetOutlook(base, 2 * HOUR)).toMatchObject({ state: 'ok', runOutMs: null });
  });

  it('warns at a warnAt threshold, and is exceeded at the limit (no run-out date: it ran out)', () => {
    expect(budgetOutlook({ ...base, spentUsd: 8, usedFraction: 0.8, forecastUsd: 9 }, 2 * HOUR).state).toBe('warning');
    expect(budgetOutlook({ ...base, spentUsd: 10, usedFraction: 1, forecastUsd: 12, exceeded: true }, 2 * HOUR)).toMatchObject({ state: 'exceeded', runOutMs: null });
  });
});

describe('a budget\'s spend to date', () => {
  it('adds up the days of the current calendar period to today; none for a rolling period', () => {
    engine = CostAnalytics.open({
      store: ':memory:', clock: () => T0, timezone: 'UTC', flushIntervalMs: 0, meter: createNoopMeter(),
      budgets: [{ name: 'month', limitUsd: 10, period: 'month' }, { name: 'week-rolling', limitUsd: 5, period: '7d' }],
    });
    // Dec 31 is last month's; Jan 12 a day with nothing; the scoped call counts too (no match).
    engine.record(pricedCall({ at: Date.UTC(2025, 11, 31, 12), costUsd: 4 }));
    engine.record(pricedCall({ at: Date.UTC(2026, 0, 11, 9), costUsd: 0.5 }));
    engine.record(pricedCall({ at: Date.UTC(2026, 0, 13, 9), costUsd: 0.25, serviceName: 'other' }));
    engine.record(pricedCall({ at: T0 - HOUR, costUsd: 0.125 }));
    const [month, rolling] = engine.analytics.usage({ days: 7 }).budgets;
    expect(month!.spentUsd).toBe(0.875);
    expect(month!.spentToDate!.dates).toHaveLength(15);
    expect(month!.spentToDate!.dates.slice(9)).toEqual(['2026-01-10', '2026-01-11', '2026-01-12', '2026-01-13', '2026-01-14', '2026-01-15']);
    expect(month!.spentToDate!.cumulativeUsd.slice(9)).toEqual([0, 0.5, 0.5, 0.75, 0.75, 0.875]);
    expect(month!.spentToDate!.cumulativeUsd.at(-1)).toBe(month!.spentUsd);
    expect(rolling!.spentToDate).toBeNull();
  });
});

describe('ranges past 48 hours', () => {
  // Whole local days come from day buckets, the hours before the first whole day from hour
  // buckets: the range must still start at the hour, in any zone (DST, half-hour offsets).
  it.each(['UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'])('count exactly the calls since the start hour, in %s', (timezone) => {
    // Across the November DST change in New York and the April one in Lord Howe.
    for (const now of [Date.UTC(2026, 10, 12, 17, 25), Date.UTC(2026, 3, 20, 3, 5)]) {
      engine = CostAnalytics.open({ store: ':memory:', clock: () => now, timezone, flushIntervalMs: 0, meter: createNoopMeter(), budgets: [] });
      const times: number[] = [];
      // A call every 37 minutes over 36 days, costing 1/64 (sums stay exact in binary).
      for (let t = now - 36 * DAY; t <= now; t += 37 * 60_000) {
        times.push(t);
        engine.record(pricedCall({ at: t, costUsd: 1 / 64 }));
      }
      for (const hours of [49, 50.5, 72, 100, 168, 500, 720, 840]) {
        const from = now - hours * HOUR;
        const since = times.filter((t) => t >= from - (from % HOUR)).length;
        const v = engine.analytics.usage({ hours, days: 1 });
        expect([hours, v.totals.calls, v.totals.costUsd]).toEqual([hours, since, since / 64]);
        expect(engine.analytics.byModel({ hours })[0]!.calls).toBe(since);
      }
      void engine.close();
      engine = undefined;
    }
  });
});
