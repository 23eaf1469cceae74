import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as semconv from '../../src/semconv.js';
import { DASHBOARDS } from '../../grafana/src/generate.js';
import { INSTRUMENTS, L, M } from '../../grafana/src/names.js';
import { allPanels } from './dashboard-lint.js';
import type { DashboardJson } from './dashboard-lint.js';
import { normalizeIncreaseIdiom, selectors } from './promql.js';

const RULES = join(import.meta.dirname, '..', '..', 'grafana', 'prometheus', 'llm-cost.rules.yml');

/** Units from the metrics contract in DESIGN.md. */
const UNITS: Record<string, string> = {
  cost: 'USD',
  tokens: '{token}',
  requests: '{request}',
  requestCost: 'USD',
  budgetLimit: 'USD',
  budgetSpent: 'USD',
  budgetForecast: 'USD',
  budgetPeriodEnd: 's',
  budgetAlerts: '{alert}',
  spansInvalid: '{span}',
  spansDropped: '{span}',
  cacheSavings: 'USD',
  withoutCacheDetail: '{request}',
  storeWriteFailures: '{write}',
};

function exprs(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [file, build] of Object.entries(DASHBOARDS)) {
    const d = JSON.parse(JSON.stringify(build())) as DashboardJson;
    for (const p of allPanels(d)) for (const t of p.targets ?? []) out.push([`${file} "${p.title}"`, t.expr ?? '']);
    for (const v of d.templating?.list ?? []) {
      const q = (v.query as { query?: string } | undefined)?.query;
      if (q) out.push([`${file} $${v.name}`, q.replace(/^label_values\((.*), \w+\)$/, '$1')]);
    }
  }
  const groups: Array<{ rules: Array<{ alert?: string; record?: string; expr: string }> }> = parse(
    readFileSync(RULES, 'utf8'),
  ).groups;
  for (const r of groups.flatMap((g) => g.rules)) out.push([`rule ${r.alert ?? r.record}`, r.expr]);
  return out;
}

function recorded(): Set<string> {
  const groups: Array<{ rules: Array<{ record?: string }> }> = parse(readFileSync(RULES, 'utf8')).groups;
  return new Set(groups.flatMap((g) => g.rules).flatMap((r) => (r.record ? [r.record] : [])));
}

/** Prometheus series names of the instruments src/semconv.ts defines. */
function emitted(): Set<string> {
  const defined = new Set<unknown>(Object.entries(semconv).filter(([k]) => k.startsWith('METRIC_')).map(([, v]) => v));
  const out = new Set<string>();
  for (const key of Object.keys(INSTRUMENTS) as Array<keyof typeof INSTRUMENTS>) {
    const [otel, kind] = INSTRUMENTS[key];
    if (!defined.has(otel)) continue;
    if (kind === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(M[key] + s);
    else out.add(M[key]);
  }
  return out;
}

describe('metric contract of dashboards and rules', () => {
  it('derives the Prometheus names the real exporter writes', async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({ readers: [exporter] });
    const meter = provider.getMeter(semconv.METER_NAME);
    for (const key of Object.keys(INSTRUMENTS) as Array<keyof typeof INSTRUMENTS>) {
      const [name, kind] = INSTRUMENTS[key];
      const unit = UNITS[key]!;
      if (kind === 'counter') meter.createCounter(name, { unit }).add(1, { [semconv.ATTR_PROVIDER]: 'openai' });
      else if (kind === 'gauge') meter.createGauge(name, { unit }).record(1, { [semconv.ATTR_BUDGET_NAME]: 'b' });
      else meter.createHistogram(name, { unit }).record(1, { [semconv.ATTR_PROVIDER]: 'openai' });
    }
    const { resourceMetrics } = await exporter.collect();
    const text = new PrometheusSerializer().serialize(resourceMetrics);
    const typed = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    const expected = (Object.keys(INSTRUMENTS) as Array<keyof typeof INSTRUMENTS>).map((k) => {
      const kind = INSTRUMENTS[k][1];
      // The exporter's TYPE line names a histogram family without suffix.
      return `${M[k]} ${kind}`;
    });
    expect(typed.filter((t) => !t.startsWith('target_info'))).toEqual(expected);
    expect(text).toContain(`${L.provider}="openai"`);
    await provider.shutdown();
  });

  it('uses only metric names the code emits (or the recording rules define)', () => {
    const known = emitted();
    const rec = recorded();
    const unknown: string[] = [];
    let count = 0;
    for (const [where, expr] of exprs()) {
      const normalized = normalizeIncreaseIdiom(expr);
      expect(normalized, where).toBeDefined();
      for (const s of selectors(normalized!)) {
        count++;
        if (s.name !== undefined) {
          if (!known.has(s.name) && !rec.has(s.name)) unknown.push(`${where}: ${s.name}`);
        } else {
          const re = new RegExp(`^(?:${s.nameRegex})$`);
          if (![...known].some((n) => re.test(n))) unknown.push(`${where}: {__name__=~"${s.nameRegex}"}`);
        }
      }
    }
    expect(count).toBeGreaterThan(60);
    expect(unknown).toEqual([]);
  });

  it('uses only label names the code emits', () => {
    const labels = new Set<string>([...Object.values(L), 'le', 'job', 'instance', 'metric', '__name__']);
    const unknown: string[] = [];
    for (const [where, expr] of exprs()) {
      for (const m of expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)) {
        for (const l of m[1]!.split(',').map((x) => x.trim()).filter(Boolean)) if (!labels.has(l)) unknown.push(`${where}: ${l}`);
      }
      for (const s of selectors(expr)) {
        for (const m of s.matchers.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)) if (!labels.has(m[1]!)) unknown.push(`${where}: ${m[1]}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});
