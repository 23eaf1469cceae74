import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARDS, DASHBOARD_DIR, render } from '../../grafana/src/generate.js';
import { VARIABLE_MATCHERS } from '../../grafana/src/promql.js';
import type { DashboardJson } from './dashboard-lint.js';
import { allPanels, lintDashboard, lintExpr } from './dashboard-lint.js';
import { selectors } from './promql.js';

const committed = (file: string): DashboardJson => JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8'));

describe('generated dashboards', () => {
  for (const [file, build] of Object.entries(DASHBOARDS)) {
    it(`${file} is what grafana/src generates (run \`npm run dashboards\` after a change)`, () => {
      expect(readFileSync(join(DASHBOARD_DIR, file), 'utf8')).toBe(render(build()));
    });

    it(`${file} passes the lint rules`, () => {
      expect(lintDashboard(committed(file))).toEqual([]);
    });
  }

  it('has the two dashboards with stable uids and titles', () => {
    const overview = committed('llm-cost-overview.json');
    const budgets = committed('llm-budgets.json');
    expect([overview.uid, overview.title]).toEqual(['otel-llm-cost-overview', 'LLM cost overview']);
    expect([budgets.uid, budgets.title]).toEqual(['otel-llm-cost-budgets', 'LLM budgets']);
  });

  it('filters every overview query on a per-call metric by service, provider and model', () => {
    const d = committed('llm-cost-overview.json');
    const vars = (d.templating?.list ?? []).map((v) => v.name);
    expect(vars).toEqual(['datasource', 'service', 'provider', 'model']);
    const perCall = /^llm_(cost_usd|tokens|requests|request_cost_usd|cost_cache_savings_usd)_/;
    let checked = 0;
    for (const p of allPanels(d)) {
      for (const t of p.targets ?? []) {
        for (const s of selectors(t.expr ?? '')) {
          if (!s.name || !perCall.test(s.name) || s.matchers.includes('otel_metric_overflow')) continue;
          checked++;
          for (const m of VARIABLE_MATCHERS) expect(s.matchers, `${p.title}: ${s.name}`).toContain(m);
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('shows the panels the issue asks for', () => {
    const titles = (file: string) => allPanels(committed(file)).map((p) => p.title);
    expect(titles('llm-cost-overview.json')).toEqual(
      expect.arrayContaining([
        'Spend',
        'Spend rate by provider and model',
        'Spend rate by service',
        'Spend rate by agent',
        'Tokens by type',
        'Cost per call p50 / p95',
        'Calls by provider and model',
        'Error rate',
        'Unpriced calls',
        'Cache savings',
      ]),
    );
    expect(titles('llm-budgets.json')).toEqual(
      expect.arrayContaining(['Utilization', 'Spent vs limit vs forecast', 'Time left in period', 'Budget alerts fired']),
    );
  });
});

describe('dashboard lint rules', () => {
  const panel = (over: Record<string, unknown>) => ({
    id: 2,
    type: 'timeseries',
    title: 'p',
    description: 'd',
    gridPos: { x: 0, y: 0, w: 12, h: 8 },
    datasource: { type: 'prometheus', uid: '${datasource}' },
    fieldConfig: { defaults: { unit: 'currencyUSD' } },
    targets: [
      { refId: 'A', datasource: { uid: '${datasource}' }, expr: 'sum(rate(llm_cost_usd_total[$__rate_interval]))' },
    ],
    ...over,
  });
  const dashboard = (...panels: unknown[]): DashboardJson =>
    ({
      templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus' }] },
      panels,
    }) as DashboardJson;

  it('accepts a clean dashboard', () => {
    expect(lintDashboard(dashboard(panel({}), panel({ id: 3, gridPos: { x: 12, y: 0, w: 12, h: 8 } })))).toEqual([]);
  });

  it('reports each broken rule', () => {
    const noVar = { ...dashboard(panel({})), templating: { list: [] } };
    expect(lintDashboard(noVar)).toEqual(['no datasource variable named "datasource" of type prometheus']);
    expect(lintDashboard(dashboard(panel({ fieldConfig: { defaults: {} } })))).toEqual(['panel 2 "p" has no unit']);
    expect(lintDashboard(dashboard(panel({ description: ' ' })))).toEqual(['panel 2 "p" has no description']);
    expect(lintDashboard(dashboard(panel({ datasource: { uid: 'prom' } })))).toEqual(['panel 2 "p" does not use $datasource']);
    expect(lintDashboard(dashboard(panel({}), panel({ gridPos: { x: 12, y: 0, w: 12, h: 8 } })))).toEqual([
      'panel id 2 used by "p" and "p"',
    ]);
    expect(lintDashboard(dashboard(panel({}), panel({ id: 3, gridPos: { x: 6, y: 4, w: 12, h: 8 } })))).toEqual([
      'panel 3 "p" overlaps panel 2 "p"',
    ]);
    expect(lintDashboard(dashboard(panel({ gridPos: { x: 16, y: 0, w: 12, h: 8 } })))).toEqual([
      'panel 2 "p" is outside the 24-column grid',
    ]);
  });

  it('checks ranges and counters in queries', () => {
    expect(lintExpr('sum(rate(llm_cost_usd_total[5m]))')).toEqual([
      'rate(llm_cost_usd_total[5m]) must use [$__rate_interval]',
    ]);
    expect(lintExpr('sum(irate(llm_tokens_total{a="b"}[1m]))')).toEqual([
      'irate(llm_tokens_total[1m]) must use [$__rate_interval]',
    ]);
    expect(lintExpr('sum(increase(llm_cost_usd_total[1h]))')).toEqual(['increase(llm_cost_usd_total[1h]) must use [$__range]']);
    expect(lintExpr('sum(llm_cost_usd_total)')).toEqual(['counter llm_cost_usd_total used outside rate/irate/increase']);
    expect(lintExpr('max_over_time(llm_requests_total[$__range])')).toEqual([
      'counter llm_requests_total used outside rate/irate/increase',
    ]);
    expect(lintExpr('histogram_quantile(0.9, sum by (le) (llm_request_cost_usd_bucket))')).toEqual([
      'counter llm_request_cost_usd_bucket used outside rate/irate/increase',
    ]);
    // Gauges may be used bare; the "born in the window" idiom is allowed only when well formed.
    expect(lintExpr('sum by (a) (llm_budget_spent_usd) / max by (a) (llm_budget_limit_usd)')).toEqual([]);
    expect(
      lintExpr('sum ((increase(x_total{a="1"}[$__range]) and x_total{a="1"} offset $__range) or (x_total{a="1"} unless x_total{a="1"} offset $__range))'),
    ).toEqual([]);
    expect(lintExpr('sum ((increase(x_total[$__range]) and y_total offset $__range))')[0]).toMatch(/^malformed increase idiom/);
    expect(lintExpr('sum ((x_total unless x_total offset 1h) or x_total)')).toEqual([
      'counter x_total used outside rate/irate/increase',
    ]);
  });
});
