// End to end: two app instances price a deterministic workload and serve /metrics; a real
// Prometheus scrapes them and loads the bundled rules; then every dashboard query, with its
// variables substituted as Grafana would, runs against it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPanels } from './dashboard-lint.js';
import type { DashboardJson, Panel } from './dashboard-lint.js';
import { AppInstance, priceOf } from './fleet.js';
import type { Call } from './fleet.js';
import { PrometheusServer } from './prometheus-server.js';
import type { PromSample } from './prometheus-server.js';

const ROOT = join(import.meta.dirname, '..', '..', 'grafana');
const dashboard = (file: string): DashboardJson => JSON.parse(readFileSync(join(ROOT, 'dashboards', file), 'utf8'));
const OVERVIEW = dashboard('llm-cost-overview.json');
const BUDGETS = dashboard('llm-budgets.json');

const ROUNDS = 6;
const CHECKOUT: Call[] = [
  { provider: 'openai', model: 'gpt-4o', input: 1200, cacheRead: 400, output: 150, agent: 'planner' },
  { provider: 'openai', model: 'gpt-4o-mini', input: 800, output: 60, agent: 'planner' },
  { provider: 'anthropic', model: 'claude-sonnet-4-5', input: 2000, cacheRead: 1500, output: 300, agent: 'writer' },
  { provider: 'acme', model: 'acme-1', input: 50, output: 5, agent: 'planner' },
  { provider: 'openai', model: 'gpt-4o', input: 900, output: 20, agent: 'writer', error: 'content_filter' },
];
const SUPPORT: Call[] = [
  { provider: 'openai', model: 'gpt-4o-mini', input: 500, cacheRead: 100, output: 80, agent: 'triage' },
  { provider: 'anthropic', model: 'claude-sonnet-4-5', input: 3000, cacheRead: 2000, output: 500, agent: 'writer' },
  { provider: 'openai', model: 'gpt-4o', input: 700, output: 90, agent: 'triage' },
];

const costOf = (calls: Call[]) => ROUNDS * calls.reduce((sum, c) => sum + (priceOf(c) ?? 0), 0);
const FLEET_COST = costOf(CHECKOUT) + costOf(SUPPORT);
const CALLS = ROUNDS * (CHECKOUT.length + SUPPORT.length);
/** Below the fleet's spend, above what either instance spends alone. */
const MONTHLY_LIMIT = Number((0.75 * FLEET_COST).toFixed(6));

type Vars = Record<string, string>;
const ALL: Vars = { service: '.*', provider: '.*', model: '.*', budget: '.*' };

interface Window {
  start: number;
  end: number;
}

/** Grafana's substitution for a Prometheus data source, for a time range of whole seconds. */
function substitute(expr: string, vars: Vars, w: Window): string {
  const rangeS = Math.round(w.end - w.start);
  let out = expr
    .replaceAll('$__rate_interval', '4s') // max(interval + scrape interval, 4 x scrape interval) at 1s scrapes
    .replaceAll('$__range_s', String(rangeS))
    .replaceAll('$__range', `${rangeS}s`);
  for (const [name, value] of Object.entries(vars)) out = out.replaceAll(`$${name}`, value);
  expect(out, 'every variable substituted').not.toMatch(/\$\w/);
  return out;
}

const hasData = (result: PromSample[]) =>
  result.some((s) => [...(s.values ?? []), ...(s.value ? [s.value] : [])].some(([, v]) => Number.isFinite(Number(v))));

let prom: PrometheusServer;
let fleet: AppInstance[] = [];
let w: Window;

async function instant(expr: string, vars: Vars = ALL): Promise<PromSample[]> {
  return prom.query(substitute(expr, vars, w), w.end);
}

function target(p: Panel, refId = 'A'): string {
  const t = p.targets?.find((x) => x.refId === refId);
  if (!t?.expr) throw new Error(`no query ${refId} in ${p.title}`);
  return t.expr;
}
const panel = (d: DashboardJson, title: string) => {
  const p = allPanels(d).find((x) => x.title === title);
  if (!p) throw new Error(`no panel "${title}"`);
  return p;
};
const single = (r: PromSample[]) => {
  expect(r).toHaveLength(1);
  return Number(r[0]!.value![1]);
};

beforeAll(async () => {
  const budgets = [
    { name: 'monthly', limitUsd: MONTHLY_LIMIT, period: 'month' as const },
    { name: 'openai-daily', limitUsd: 100, period: 'day' as const, match: { 'gen_ai.provider.name': 'openai' } },
  ];
  fleet = [await AppInstance.start('checkout', budgets), await AppInstance.start('support', budgets)];
  prom = await PrometheusServer.start({
    targets: fleet.map((f) => f.target),
    ruleFiles: [join(ROOT, 'prometheus', 'llm-cost.rules.yml')],
    interval: '1s',
  });
  const now = () => Date.now() / 1000;
  await prom.waitUntil(async () => (await prom.query('sum(up{job="llm-app"})', now()))[0]?.value?.[1] === '2', 'both targets up');

  const start = Math.floor(now()) - 1;
  for (let round = 0; round < ROUNDS; round++) {
    for (const call of CHECKOUT) fleet[0]!.emit(call);
    for (const call of SUPPORT) fleet[1]!.emit(call);
    await new Promise((r) => setTimeout(r, 700));
  }
  await prom.waitUntil(
    async () => (await prom.query('sum(llm_requests_total)', now()))[0]?.value?.[1] === String(CALLS),
    `Prometheus to scrape all ${CALLS} calls`,
  );
  // A few more scrapes so that every rate window holds samples after the last call.
  await new Promise((r) => setTimeout(r, 2500));
  w = { start, end: Math.ceil(now()) };
}, 90_000);

afterAll(async () => {
  await prom?.stop();
  for (const f of fleet) await f.stop();
});

describe('dashboards on a real Prometheus', () => {
  for (const [file, d] of [
    ['llm-cost-overview.json', OVERVIEW],
    ['llm-budgets.json', BUDGETS],
  ] as const) {
    it(`every query of ${file} returns data`, async () => {
      const report: string[] = [];
      let queries = 0;
      for (const p of allPanels(d)) {
        for (const t of p.targets ?? []) {
          const expr = t.expr!;
          const instantQuery = (t as { instant?: boolean }).instant === true;
          const q = substitute(expr, ALL, w);
          const result = instantQuery ? await prom.query(q, w.end) : await prom.queryRange(q, w.start, w.end, 1);
          queries++;
          if (!hasData(result)) report.push(`${p.title} ${t.refId}: no data`);
        }
      }
      expect(report).toEqual([]);
      expect(queries).toBe(file === 'llm-budgets.json' ? 11 : 23);
    });
  }

  it('the spend panel equals the cost of the workload within 1 %', async () => {
    const spend = single(await instant(target(panel(OVERVIEW, 'Spend'))));
    expect(Math.abs(spend - FLEET_COST) / FLEET_COST).toBeLessThan(0.01);
  });

  it('the variables filter the spend: service, provider and model', async () => {
    const vars = { ...ALL, service: 'checkout', provider: 'openai', model: 'gpt-4o' };
    const expected = costOf(CHECKOUT.filter((c) => c.model === 'gpt-4o'));
    const spend = single(await instant(target(panel(OVERVIEW, 'Spend')), vars));
    expect(Math.abs(spend - expected) / expected).toBeLessThan(0.01);
    const multi = { ...ALL, model: '(gpt-4o|gpt-4o-mini)' };
    const openai = costOf([...CHECKOUT, ...SUPPORT].filter((c) => c.provider === 'openai'));
    const spendOpenai = single(await instant(target(panel(OVERVIEW, 'Spend')), multi));
    expect(Math.abs(spendOpenai - openai) / openai).toBeLessThan(0.01);
  });

  it('counts the calls, the unpriced calls and the error rate exactly', async () => {
    expect(single(await instant(target(panel(OVERVIEW, 'Calls'))))).toBe(CALLS);
    expect(single(await instant(target(panel(OVERVIEW, 'Unpriced calls'))))).toBe(ROUNDS);
    expect(single(await instant(target(panel(OVERVIEW, 'Error rate'))))).toBeCloseTo(ROUNDS / CALLS, 12);
  });

  it('breaks the spend down by provider and model', async () => {
    const rows = await instant(target(panel(OVERVIEW, 'Spend by provider and model')));
    const got = Object.fromEntries(rows.map((r) => [r.metric.gen_ai_request_model, Number(r.value![1])]));
    const all = [...CHECKOUT, ...SUPPORT];
    for (const model of ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5']) {
      const expected = costOf(all.filter((c) => c.model === model));
      expect(Math.abs(got[model]! - expected) / expected, model).toBeLessThan(0.01);
    }
    expect(Object.keys(got).sort()).toEqual(['claude-sonnet-4-5', 'gpt-4o', 'gpt-4o-mini']);
  });

  it('fills the template variables from the scraped labels', async () => {
    expect(await prom.labelValues('service_name', 'llm_requests_total')).toEqual(['checkout', 'support']);
    expect(await prom.labelValues('gen_ai_provider_name', 'llm_requests_total{service_name=~"checkout"}')).toEqual([
      'acme',
      'anthropic',
      'openai',
    ]);
    expect(await prom.labelValues('llm_budget_name', 'llm_budget_limit_usd')).toEqual(['monthly', 'openai-daily']);
  });

  it('sums budget spend over the instances and takes the limit once', async () => {
    const rows = await instant(target(panel(BUDGETS, 'Utilization')));
    const got = Object.fromEntries(rows.map((r) => [r.metric.llm_budget_name, Number(r.value![1])]));
    expect(got.monthly! / (FLEET_COST / MONTHLY_LIMIT)).toBeCloseTo(1, 2);
    const openai = costOf([...CHECKOUT, ...SUPPORT].filter((c) => c.provider === 'openai'));
    expect(got['openai-daily']! / (openai / 100)).toBeCloseTo(1, 2);
  });
});

describe('alert rules on a real Prometheus', () => {
  const alertStates = async (name: string) =>
    (await prom.query(`ALERTS{alertname="${name}"}`, Date.now() / 1000)).map((s) => s.metric);

  it('LLMBudgetExhausted goes pending for the fleet although no instance alone is over the limit', async () => {
    const perInstance = await prom.query('max(llm_budget_spent_usd{llm_budget_name="monthly"})', Date.now() / 1000);
    expect(Number(perInstance[0]!.value![1])).toBeLessThan(MONTHLY_LIMIT);
    await prom.waitUntil(async () => (await alertStates('LLMBudgetExhausted')).length > 0, 'LLMBudgetExhausted', 10_000);
    const [alert] = await alertStates('LLMBudgetExhausted');
    expect(alert).toMatchObject({ llm_budget_name: 'monthly', llm_budget_period: 'month', severity: 'critical' });
    expect(await alertStates('LLMBudgetNearlyExhausted')).toEqual([]);
  });

  it('LLMUnpricedModelCalls sees a model whose only series was born in the last hour', async () => {
    await prom.waitUntil(async () => (await alertStates('LLMUnpricedModelCalls')).length > 0, 'LLMUnpricedModelCalls', 10_000);
    const alerts = await alertStates('LLMUnpricedModelCalls');
    expect(alerts.map((a) => [a.service_name, a.gen_ai_provider_name, a.gen_ai_request_model])).toEqual([
      ['checkout', 'acme', 'acme-1'],
    ]);
  });
});
