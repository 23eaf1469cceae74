// Cost-analytics engine: added per-call cost of record() (median ns, flush excluded and
// amortized; the flush alone is the store's cost per call), with a file store (WAL, batched) vs an in-memory store; then
// query latencies over 1M recorded calls (byModel from the rollups; breakdown and session from
// the ledger) and the store's size per call; then forecast MAPE.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNoopMeter } from '@opentelemetry/api';
import { CostAnalytics } from '../src/analytics/engine.js';
import { validateBudgets } from '../src/analytics/budget-config.js';
import { scoreForecasts, syntheticWorkload } from '../test/helpers/forecast-eval.js';
import type { PricedCall } from '../src/types.js';
import { pricedCall } from '../test/analytics/factory.js';
import { fmtNs, printTable } from './lib/measure.js';

const dir = mkdtempSync(join(tmpdir(), 'llm-cost-bench-'));
const T0 = Date.UTC(2026, 0, 15, 12);
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'o3', 'claude-sonnet-4', 'claude-haiku-4', 'gemini-2.5-pro', 'gemini-2.5-flash', 'mistral-large'];
const SERVICES = ['checkout', 'search', 'support'];
const budgets = validateBudgets([
  { name: 'monthly', limitUsd: 5000, period: 'month' },
  { name: 'openai-day', limitUsd: 100, period: 'day', match: { 'gen_ai.provider.name': 'openai' } },
]);

/** 4096 distinct call templates, re-timed per use. */
const templates: PricedCall[] = Array.from({ length: 4096 }, (_, i) => pricedCall({
  at: T0,
  provider: i % 2 === 0 ? 'openai' : 'anthropic',
  requestModel: MODELS[i % MODELS.length],
  responseModel: MODELS[i % MODELS.length],
  serviceName: SERVICES[i % SERVICES.length] as string,
  agentName: i % 5 === 0 ? 'planner' : undefined,
  sessionId: `session-${i % 2000}`,
  userId: `user-${i % 300}`,
  costUsd: 0.0001 * (1 + (i % 50)),
}));

/** Median and max ms of `runs` runs of `query`, and its last result. */
function timed<T>(runs: number, query: () => T): { result: T; median: number; max: number } {
  const times: number[] = [];
  let result = query();
  for (let k = 0; k < runs; k++) {
    const t0 = process.hrtime.bigint();
    result = query();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const ms = (x: number) => Number(x.toFixed(2));
  return { result, median: ms(times[runs >> 1] as number), max: ms(times[runs - 1] as number) };
}

function open(store: string, clock: () => number): CostAnalytics {
  return CostAnalytics.open({ store, clock, budgets, timezone: 'UTC', flushIntervalMs: 0, meter: createNoopMeter(), flushBatchSize: 1e9 });
}

/** Median ns per record() over rounds of `batch` calls; the flush after each round is timed separately. */
function measureRecord(store: string): { median: number; amortized: number; flush: number } {
  let now = T0;
  const engine = open(store, () => now);
  const batch = 1000;
  const samples: number[] = [];
  let total = 0n;
  let flushTotal = 0n;
  let i = 0;
  for (let round = 0; round < 520; round++) {
    const calls: PricedCall[] = [];
    for (let k = 0; k < batch; k++, i++) {
      now += 7;
      const t = templates[i % templates.length] as PricedCall;
      calls.push({ ...t, startTimeMs: now - 800, endTimeMs: now });
    }
    const t0 = process.hrtime.bigint();
    for (const c of calls) engine.record(c);
    const t1 = process.hrtime.bigint();
    void engine.flush();
    const t2 = process.hrtime.bigint();
    if (round >= 20) {
      samples.push(Number(t1 - t0) / batch);
      total += t2 - t0;
      flushTotal += t2 - t1;
    }
  }
  void engine.close();
  samples.sort((a, b) => a - b);
  return { median: samples[samples.length >> 1] as number, amortized: Number(total) / (500 * batch), flush: Number(flushTotal) / (500 * batch) };
}

const rows: Array<Record<string, string | number>> = [];
for (const [name, store] of [['file store (WAL, batched)', join(dir, 'bench.db')], ['in-memory store', ':memory:']] as const) {
  const r = measureRecord(store);
  rows.push({ 'record()': name, 'median per call': fmtNs(r.median), 'incl. flush (amortized)': fmtNs(r.amortized), 'flush alone (per call)': fmtNs(r.flush) });
}
printTable(rows);

// byModel over 1M calls spread over the last 24 hours.
{
  let now = T0;
  const engine = open(join(dir, 'bymodel.db'), () => now);
  const n = 1_000_000;
  const step = (24 * 3_600_000) / n;
  const start = T0 - 24 * 3_600_000;
  for (let i = 0; i < n; i++) {
    const at = Math.floor(start + i * step);
    const t = templates[i % templates.length] as PricedCall;
    engine.record({ ...t, startTimeMs: at - 800, endTimeMs: at });
    if (i % 50_000 === 49_999) void engine.flush();
  }
  void engine.flush();
  now = T0;
  const byModel = timed(30, () => engine.analytics.byModel({ hours: 24 }));
  const calls = byModel.result.reduce((s, r) => s + r.calls, 0);
  // Ledger reads: the calls of the last hour, one session's calls over the day (500, spread
  // over every flush), one session's totals.
  // breakdown is paged: a walk of every page of 1000 rows.
  const walk = (q: { hours: number; sessionId?: string }): number => {
    let n = 0;
    let cursor: string | undefined;
    do {
      const page = engine.analytics.breakdown({ ...q, limit: 1000, cursor });
      n += page.rows.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return n;
  };
  const firstPage = timed(30, () => engine.analytics.breakdown({ hours: 24, limit: 100 }).rows.length);
  const lastHour = timed(10, () => walk({ hours: 1 }));
  const oneSession = timed(10, () => walk({ hours: 24, sessionId: 'session-7' }));
  const session = timed(30, () => engine.analytics.session('session-7'));
  printTable([
    { query: 'byModel({ hours: 24 }) over 1M calls', rows: byModel.result.length, calls, 'median ms': byModel.median, 'max ms': byModel.max },
    { query: 'breakdown({ hours: 24 }): first page of 100', rows: firstPage.result, calls: firstPage.result, 'median ms': firstPage.median, 'max ms': firstPage.max },
    { query: 'breakdown({ hours: 1 }): every page of 1000', rows: lastHour.result, calls: lastHour.result, 'median ms': lastHour.median, 'max ms': lastHour.max },
    { query: 'breakdown({ hours: 24, sessionId }): every page', rows: oneSession.result, calls: oneSession.result, 'median ms': oneSession.median, 'max ms': oneSession.max },
    { query: 'session(id)', rows: 1, calls: session.result?.calls ?? 0, 'median ms': session.median, 'max ms': session.max },
  ]);
  printTable([{ store: '1M calls over 24 h', 'file bytes per call': Math.round(statSync(join(dir, 'bymodel.db')).size / n) }]);
  void engine.close();
}

// Forecast accuracy on the synthetic 60-day workload (weekly seasonality, noise, step change at day 35).
{
  const jan1 = Date.UTC(2026, 0, 1) / 86_400_000;
  const perSeed = [42, 1, 2, 3, 4].map((seed) => scoreForecasts(jan1, syntheticWorkload(jan1, 60, seed, 35)));
  printTable(perSeed[0]!.map((s, m) => ({
    method: s.method,
    'MAPE % (seed 42)': Number(s.mapePercent.toFixed(2)),
    'mean MAPE % (5 seeds)': Number((perSeed.reduce((a, r) => a + r[m]!.mapePercent, 0) / perSeed.length).toFixed(2)),
    'daily projections': s.points,
  })));
}
rmSync(dir, { recursive: true, force: true });
