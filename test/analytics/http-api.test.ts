import { afterEach, describe, expect, it } from 'vitest';
import { createNoopMeter } from '@opentelemetry/api';
import { CostAnalytics } from '../../src/analytics/engine.js';
import { analyticsRoute } from '../../src/analytics/http-api.js';
import { pricedCall } from './factory.js';

const T0 = Date.UTC(2026, 0, 15, 12);
let engine: CostAnalytics;

afterEach(async () => engine.close());

function get(url: string) {
  const u = new URL(url, 'http://localhost');
  return analyticsRoute(engine, u.pathname, u.searchParams);
}

describe('analyticsRoute', () => {
  it('serves the queries and maps bad parameters to 400', () => {
    engine = CostAnalytics.open({ store: ':memory:', clock: () => T0, budgets: [], timezone: 'UTC', flushIntervalMs: 0, meter: createNoopMeter() });
    engine.record(pricedCall({ at: T0 - 1000, sessionId: 'a/b', costUsd: 0.5 }));
    expect(get('/api/by-model?hours=1')).toMatchObject({ status: 200, body: [{ model: 'gpt-4o-2024-08-06', costUsd: 0.5 }] });
    expect((get('/api/daily?days=2')?.body as unknown[]).length).toBe(2);
    expect(get('/api/top-sessions?n=1')).toMatchObject({ status: 200, body: [{ id: 'a/b', costUsd: 0.5 }] });
    expect(get('/api/session/a%2Fb')).toMatchObject({ status: 200, body: { id: 'a/b', calls: 1 } });
    expect(get('/api/session/zzz')?.status).toBe(404);
    expect(get('/api/breakdown?session=a%2Fb&hours=1')).toMatchObject({ status: 200, body: { rows: [{ totalCostUsd: 0.5 }], nextCursor: null } });
    expect(get('/api/trend?metric=calls&days=1&window=1')).toMatchObject({ status: 200, body: { metric: 'calls', points: [{ value: 1 }] } });
    expect(get('/api/budgets')).toEqual({ status: 200, body: [] });
    expect((get('/api/summary')?.body as { text: string }).text).toContain('$0.50');
    expect(get('/api/top-users')).toEqual({ status: 200, body: [] });
    expect(get('/api/daily?days=abc')).toEqual({ status: 400, body: { error: 'days must be a number, got "abc"' } });
    expect(get('/api/daily?days=0')?.status).toBe(400);
    expect(get('/api/trend?metric=dollars')?.status).toBe(400);
    expect(get('/api/nope')).toBeUndefined();
    expect(get('/metrics')).toBeUndefined();
    // Paged: limit and cursor pass through.
    engine.record(pricedCall({ at: T0 - 500, costUsd: 0.25 }));
    const first = get('/api/breakdown?hours=1&limit=1')?.body as { rows: { totalCostUsd: number }[]; nextCursor: string };
    expect(first.rows.map((r) => r.totalCostUsd)).toEqual([0.5]);
    expect(get(`/api/breakdown?hours=1&limit=1&cursor=${encodeURIComponent(first.nextCursor)}`)).toMatchObject({ status: 200, body: { rows: [{ totalCostUsd: 0.25 }], nextCursor: null } });
    expect(get('/api/breakdown?cursor=nope')?.status).toBe(400);
    expect(get('/api/breakdown?limit=5000')?.status).toBe(400);
  });
});
