// Fleet-wide budgets on a real redis-server: replicas are engines in this process with an
// injected clock; the multi-process run is in fleet-processes.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { CostAnalytics } from '../../src/analytics/engine.js';
import type { BudgetEvent, CostAnalyticsOptions } from '../../src/analytics/engine.js';
import { validateBudgets } from '../../src/analytics/budget-config.js';
import { METER_NAME } from '../../src/semconv.js';
import { fakeClock, pricedCall } from '../analytics/factory.js';
import { RedisServer } from './redis-server.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.dispose();
});

let prefixSeq = 0;

interface Replica {
  engine: CostAnalytics;
  events: BudgetEvent[];
  exporter: PrometheusExporter;
}

function replica(clock: () => number, prefix: string, over: Partial<CostAnalyticsOptions> = {}, store: Partial<NonNullable<CostAnalyticsOptions['budgetStore']>> = {}): Replica {
  const events: BudgetEvent[] = [];
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const engine = CostAnalytics.open({
    store: ':memory:',
    clock,
    budgets: validateBudgets([{ name: 'daily', limitUsd: 1, period: 'day', action: 'block', warnAt: [0.5] }]),
    timezone: 'UTC',
    flushIntervalMs: 0,
    meter: new MeterProvider({ readers: [exporter] }).getMeter(METER_NAME),
    onBudgetEvent: (e) => events.push(e),
    budgetStore: { url: redis.url, keyPrefix: prefix, syncMs: 60_000, unavailable: 'allow', ...store },
    ...over,
  });
  return { engine, events, exporter };
}

async function exposition(exporter: PrometheusExporter, prefix: string): Promise<string[]> {
  const { resourceMetrics } = await exporter.collect();
  return new PrometheusSerializer().serialize(resourceMetrics).split('\n').filter((l) => l.startsWith(prefix));
}

async function keys(prefix: string): Promise<Map<string, { value: string; pttl: number }>> {
  const c = redis.client();
  await c.connect();
  try {
    const out = new Map<string, { value: string; pttl: number }>();
    for (const k of (await c.keys(`${prefix}*`)).sort()) {
      const type = await c.type(k);
      out.set(k, { value: type === 'hash' ? JSON.stringify(await c.hgetall(k)) : ((await c.get(k)) ?? ''), pttl: await c.pttl(k) });
    }
    return out;
  } finally {
    c.disconnect();
  }
}

const DAY_KEY = (prefix: string, day: string) => new RegExp(`^${prefix}budget:daily:[0-9a-f]{8}:day:${day}$`);

function spendKeys(all: Map<string, { value: string; pttl: number }>, prefix: string, day: string) {
  return [...all].filter(([k]) => DAY_KEY(prefix, day).test(k)).map(([, v]) => v);
}

describe('shared budget store on Redis', () => {
  it('adds every replica to one fleet total; check(), budgets() and the gauges show the fleet; each event fires once', async () => {
    const prefix = `t${++prefixSeq}:`;
    const clock = fakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const a = replica(clock.now, prefix);
    const b = replica(clock.now, prefix);
    a.engine.record(pricedCall({ at: clock.now(), costUsd: 0.6 }));
    // Before a sync, A counts its own unpushed spend; B has seen nothing yet.
    expect(a.engine.budgets.check({}).spent).toBeCloseTo(0.6, 12);
    expect(b.engine.budgets.check({}).spent).toBe(0);
    await a.engine.flush();
    await b.engine.flush();
    expect(b.engine.budgets.check({})).toMatchObject({ allowed: true, budget: 'daily' });
    expect(b.engine.budgets.check({}).spent).toBeCloseTo(0.6, 12);
    b.engine.record(pricedCall({ at: clock.now(), costUsd: 0.123456 }));
    b.engine.record(pricedCall({ at: clock.now(), costUsd: 0.276544 }));
    await b.engine.flush();
    expect(b.engine.budgets.check({})).toMatchObject({ allowed: false, budget: 'daily' });
    expect(a.engine.budgets.check({}).allowed).toBe(true); // A has not synced since
    await a.engine.flush();
    expect(a.engine.budgets.check({})).toMatchObject({ allowed: false, budget: 'daily' });
    expect(a.engine.budgets.check({}).spent).toBeCloseTo(1, 12);
    const [status] = a.engine.budgets.status();
    expect(status).toMatchObject({ scope: 'fleet', exceeded: true });
    expect(status!.spentUsd).toBeCloseTo(1, 12);
    // Events: both replicas crossed warning (0.5) and exceeded; each fires once for the fleet.
    await a.engine.flush();
    await b.engine.flush();
    const fired = [...a.events, ...b.events].map((e) => e.level).sort();
    expect(fired).toEqual(['exceeded', 'warning']);
    const all = await keys(prefix);
    expect(spendKeys(all, prefix, '2026-03-10').map((v) => v.value)).toEqual(['1000000']);
    expect([...all.keys()].filter((k) => k.includes(':event:')).length).toBe(2);
    const gauges = await exposition(a.exporter, 'llm_budget_spent_usd');
    expect(gauges).toEqual([`llm_budget_spent_usd{llm_budget_name="daily",llm_budget_period="day",llm_budget_scope="fleet",otel_scope_name="${METER_NAME}"} 1`]);
    const store = await exposition(a.exporter, 'llm_budget_store_');
    expect(store.filter((l) => l.startsWith('llm_budget_store_state'))).toEqual([
      `llm_budget_store_state{llm_budget_store_state="connecting",otel_scope_name="${METER_NAME}"} 0`,
      `llm_budget_store_state{llm_budget_store_state="up",otel_scope_name="${METER_NAME}"} 1`,
      `llm_budget_store_state{llm_budget_store_state="down",otel_scope_name="${METER_NAME}"} 0`,
    ]);
    expect(store).toContain(`llm_budget_store_unpushed_usd{otel_scope_name="${METER_NAME}"} 0`);
    expect(store).toContain(`llm_budget_store_staleness_seconds{otel_scope_name="${METER_NAME}"} 0`);
    await a.engine.close();
    await b.engine.close();
  });

  it("never adds a replica's restored spend to the fleet total again (no re-seeding on restart)", async () => {
    const prefix = `t${++prefixSeq}:`;
    const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-fleet-'));
    const clock = fakeClock(Date.parse('2026-03-10T12:00:00Z'));
    try {
      const first = replica(clock.now, prefix, { store: join(dir, 'a.db') });
      first.engine.record(pricedCall({ at: clock.now(), costUsd: 0.25 }));
      await first.engine.close();
      // Same store file: the replica restores its 0.25 locally; the fleet already has it.
      const again = replica(clock.now, prefix, { store: join(dir, 'a.db') });
      await again.engine.flush();
      expect(again.engine.budgets.check({}).spent).toBeCloseTo(0.25, 12);
      again.engine.record(pricedCall({ at: clock.now(), costUsd: 0.01 }));
      await again.engine.close();
      expect(spendKeys(await keys(prefix), prefix, '2026-03-10').map((v) => v.value)).toEqual(['260000']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rolls a period over by key: new key for the new day, the old one expires a day after its end', async () => {
    const prefix = `t${++prefixSeq}:`;
    const clock = fakeClock(Date.parse('2026-01-31T23:59:00Z'));
    const a = replica(clock.now, prefix);
    a.engine.record(pricedCall({ at: clock.now(), costUsd: 0.9 }));
    await a.engine.flush();
    expect(a.engine.budgets.check({}).spent).toBeCloseTo(0.9, 12);
    clock.set(Date.parse('2026-02-01T00:00:30Z'));
    // The new period starts at zero at once, before any sync.
    expect(a.engine.budgets.check({}).spent).toBe(0);
    a.engine.record(pricedCall({ at: clock.now(), costUsd: 0.2 }));
    // A late call of the old day still goes to the old day's key.
    a.engine.record(pricedCall({ at: Date.parse('2026-01-31T23:59:59Z'), costUsd: 0.05 }));
    await a.engine.flush();
    expect(a.engine.budgets.check({}).spent).toBeCloseTo(0.2, 12);
    const all = await keys(prefix);
    const jan = spendKeys(all, prefix, '2026-01-31');
    const feb = spendKeys(all, prefix, '2026-02-01');
    expect(jan.map((v) => v.value)).toEqual(['950000']);
    expect(feb.map((v) => v.value)).toEqual(['200000']);
    // TTL = period end + 1 day - now: 2026-02-01T00:00Z + 24 h - 00:00:30 = 86370 s.
    expect(jan[0]!.pttl).toBeGreaterThan(86_360_000);
    expect(jan[0]!.pttl).toBeLessThanOrEqual(86_370_000);
    expect(feb[0]!.pttl).toBeGreaterThan(2 * 86_400_000 - 40_000);
    expect(feb[0]!.pttl).toBeLessThanOrEqual(2 * 86_400_000 - 30_000);
    await a.engine.close();
  });

  it('sums a rolling budget over the fleet by time bucket; buckets that leave the window stop counting and are deleted', async () => {
    const prefix = `t${++prefixSeq}:`;
    const clock = fakeClock(Date.parse('2026-03-10T12:00:30Z'));
    const rolling = { budgets: validateBudgets([{ name: 'daily', limitUsd: 1, period: '24h', action: 'block' }]) };
    const a = replica(clock.now, prefix, rolling);
    const b = replica(clock.now, prefix, rolling);
    a.engine.record(pricedCall({ at: clock.now(), costUsd: 0.4 }));
    clock.advance(3_600_000);
    b.engine.record(pricedCall({ at: clock.now(), costUsd: 0.5 }));
    await a.engine.flush();
    await b.engine.flush();
    await a.engine.flush();
    expect(a.engine.budgets.check({}).spent).toBeCloseTo(0.9, 12);
    expect(b.engine.budgets.check({}).spent).toBeCloseTo(0.9, 12);
    b.engine.record(pricedCall({ at: clock.now(), costUsd: 0.1 }));
    await b.engine.flush();
    expect(b.engine.budgets.check({})).toMatchObject({ allowed: false, budget: 'daily' });
    // A's 0.4 is now 24.5 h old and leaves the window; B's 0.6 (23.5 h old) stays.
    clock.set(Date.parse('2026-03-11T12:30:00Z'));
    await a.engine.flush();
    expect(a.engine.budgets.check({})).toMatchObject({ allowed: true });
    expect(a.engine.budgets.check({}).spent).toBeCloseTo(0.6, 12);
    const hash = [...(await keys(prefix))].find(([k]) => k.endsWith(':rolling'))!;
    // One-minute buckets (24 h / 1440): only B's bucket is left.
    expect(JSON.parse(hash[1].value)).toEqual({ [String(Date.parse('2026-03-10T13:00:00Z'))]: '600000' });
    await a.engine.close();
    await b.engine.close();
  });

  it('applies a batch whose reply was lost exactly once (Redis frozen mid-command, then resumed)', async () => {
    const prefix = `t${++prefixSeq}:`;
    const clock = fakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const a = replica(clock.now, prefix, {}, { syncMs: 100 }); // command timeout: 1 s
    await a.engine.flush();
    a.engine.record(pricedCall({ at: clock.now(), costUsd: 0.3 }));
    redis.pause();
    try {
      await a.engine.flush(); // the script is on the wire; the reply does not come in time
    } finally {
      redis.resume(); // Redis now runs the script it had received: the batch IS applied
    }
    expect(spendKeys(await keys(prefix), prefix, '2026-03-10').map((v) => v.value)).toEqual(['300000']);
    a.engine.record(pricedCall({ at: clock.now(), costUsd: 0.01 }));
    await a.engine.flush(); // retries the same batch (skipped as applied), then pushes the 0.01
    expect(spendKeys(await keys(prefix), prefix, '2026-03-10').map((v) => v.value)).toEqual(['310000']);
    expect(a.engine.budgets.check({}).spent).toBeCloseTo(0.31, 12);
    await a.engine.close();
  });

  it('a $0 call or an unpriced one never touches the fleet counter nor makes a block budget refuse', async () => {
    const prefix = `t${++prefixSeq}:`;
    const clock = fakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const a = replica(clock.now, prefix);
    a.engine.record(pricedCall({ at: clock.now(), costUsd: 0 }));
    a.engine.record(pricedCall({ at: clock.now(), priced: false }));
    a.engine.record(pricedCall({ at: clock.now(), costUsd: Number.NaN }));
    await a.engine.flush();
    expect(a.engine.budgets.check({})).toMatchObject({ allowed: true, spent: 0 });
    expect(spendKeys(await keys(prefix), prefix, '2026-03-10')).toEqual([]);
    await a.engine.close();
  });
});

describe('shared budget store unreachable', () => {
  function captureDiag(): { lines: string[]; restore: () => void } {
    const lines: string[] = [];
    // A component logger passes its namespace first, then the message.
    const log = (level: string) => (...args: unknown[]) => lines.push(`${level} ${args.join(' ')}`);
    const logger: DiagLogger = { error: log('error'), warn: log('warn'), info: log('info'), debug: () => {}, verbose: () => {} };
    diag.setLogger(logger, { logLevel: DiagLogLevel.INFO, suppressOverrideMessage: true });
    return { lines, restore: () => diag.disable() };
  }

  it("budgetStoreUnavailable 'allow' decides on local spend; 'block' refuses block budgets; one diag line per outage", async () => {
    const prefix = `t${++prefixSeq}:`;
    const clock = fakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const cap = captureDiag();
    const dead = await RedisServer.start();
    await dead.stop();
    try {
      const allow = replica(clock.now, prefix, {}, { url: dead.url, syncMs: 20 });
      const block = replica(clock.now, prefix, {}, { url: dead.url, syncMs: 20, unavailable: 'block' });
      await allow.engine.flush();
      await block.engine.flush();
      await new Promise((r) => setTimeout(r, 200)); // about ten failed syncs each
      allow.engine.record(pricedCall({ at: clock.now(), costUsd: 0.4 }));
      expect(allow.engine.budgets.check({})).toMatchObject({ allowed: true, spent: 0.4 });
      const refused = block.engine.budgets.check({});
      expect(refused).toMatchObject({ allowed: false, budget: 'daily', spent: 0 });
      expect(refused.reason).toMatch(/shared budget store is unreachable since .*budgetStoreUnavailable: block/);
      const warns = cap.lines.filter((l) => l.startsWith('warn') && l.includes('shared budget store unreachable'));
      expect(warns.length).toBe(2); // one per replica, not one per failed sync
      expect(await exposition(allow.exporter, 'llm_budget_store_state')).toContain(
        `llm_budget_store_state{llm_budget_store_state="down",otel_scope_name="${METER_NAME}"} 1`,
      );
      expect(await exposition(allow.exporter, 'llm_budget_store_unpushed_usd')).toEqual([`llm_budget_store_unpushed_usd{otel_scope_name="${METER_NAME}"} 0.4`]);
      // Redis comes back: the owed spend is pushed once, 'block' decides on spend again.
      await dead.restart();
      await allow.engine.flush();
      await block.engine.flush();
      expect(block.engine.budgets.check({})).toMatchObject({ allowed: true });
      expect(block.engine.budgets.check({}).spent).toBeCloseTo(0.4, 12);
      expect(cap.lines.filter((l) => l.startsWith('info') && l.includes('reachable again')).length).toBe(2);
      await allow.engine.close();
      await block.engine.close();
    } finally {
      cap.restore();
      await dead.dispose();
    }
  });
});
