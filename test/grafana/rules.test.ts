import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requireBinary, run } from './tools.js';

const DIR = join(import.meta.dirname, '..', '..', 'grafana', 'prometheus');
const RULES = 'llm-cost.rules.yml';
const TEST_FILES = readdirSync(join(DIR, 'tests')).filter((f) => f.endsWith('.test.yml'));

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const groups: Array<{ name: string; rules: Rule[] }> = parse(readFileSync(join(DIR, RULES), 'utf8')).groups;
const rules = groups.flatMap((g) => g.rules);
const alerts = rules.filter((r) => r.alert);
const records = rules.filter((r) => r.record);

interface AlertTest {
  alertname: string;
  exp_alerts?: unknown[];
}
interface UnitTest {
  alert_rule_test?: AlertTest[];
  promql_expr_test?: Array<{ expr: string }>;
}
const unitTests: UnitTest[] = TEST_FILES.flatMap((f) => parse(readFileSync(join(DIR, 'tests', f), 'utf8')).tests);

describe('Prometheus rules', () => {
  it('pass `promtool check rules` with every lint fatal', () => {
    const promtool = requireBinary('promtool');
    const r = run(promtool, ['check', 'rules', '--lint=all', '--lint-fatal', RULES], DIR);
    expect(r.output).toContain('SUCCESS: 15 rules found');
    expect(r.code).toBe(0);
  });

  it('pass their `promtool test rules` unit tests', () => {
    const promtool = requireBinary('promtool');
    const r = run(promtool, ['test', 'rules', ...TEST_FILES.map((f) => join('tests', f))], DIR);
    expect(r.output, r.output).not.toContain('FAILED');
    expect(r.output.match(/SUCCESS/g)?.length).toBe(TEST_FILES.length);
    expect(r.code).toBe(0);
    // promtool replays days of samples (spend-spike: 7 d); on a busy 2-core host that takes ~60 s.
  }, 180_000);

  it('name the package to install when promtool is missing', () => {
    expect(() => requireBinary('promtool', '/nonexistent')).toThrow(/apt-get install prometheus/);
  });

  it('define the alerts the issue asks for', () => {
    expect(alerts.map((a) => a.alert).sort()).toEqual([
      'LLMBudgetExhausted',
      'LLMBudgetNearlyExhausted',
      'LLMBudgetProjectedOverrun',
      'LLMCostStoreWriteFailing',
      'LLMMetricOverflow',
      'LLMSpendRateSpike',
      'LLMUnpricedModelCalls',
    ]);
  });

  it('follow the monitoring-mixin conventions', () => {
    const runbook = readFileSync(join(DIR, 'runbook.md'), 'utf8');
    const anchors = [...runbook.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.toLowerCase());
    for (const a of alerts) {
      expect(a.alert, 'CamelCase name').toMatch(/^[A-Z][a-zA-Z0-9]+$/);
      expect(['critical', 'warning', 'info'], `${a.alert} severity`).toContain(a.labels?.severity);
      const { summary, description, runbook_url: url, ...rest } = a.annotations ?? {};
      expect(rest, `${a.alert}: only summary, description, runbook_url`).toEqual({});
      expect(summary, `${a.alert} summary is static`).toMatch(/^[^{}$]+\.$/);
      expect(description, `${a.alert} description is templated`).toMatch(/\{\{ \$(labels\.\w+|value)/);
      expect(url, `${a.alert} runbook_url`).toMatch(/runbook\.md#[a-z0-9-]+$/);
      const anchor = url!.slice(url!.indexOf('#') + 1);
      expect(anchor).toBe(a.alert!.toLowerCase());
      expect(anchors, `runbook.md has a "## ${a.alert}" section`).toContain(anchor);
    }
    for (const r of records) expect(r.record, 'level:metric:operations').toMatch(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/);
  });

  it('have, for every alert, a unit test where it fires and one where it stays silent', () => {
    for (const a of alerts) {
      const cases = unitTests.flatMap((t) => t.alert_rule_test ?? []).filter((c) => c.alertname === a.alert);
      expect(cases.some((c) => (c.exp_alerts ?? []).length > 0), `${a.alert} fires somewhere`).toBe(true);
      expect(cases.some((c) => (c.exp_alerts ?? []).length === 0), `${a.alert} stays silent somewhere`).toBe(true);
    }
  });

  it('have a unit test for every recording rule', () => {
    const tested = new Set(unitTests.flatMap((t) => t.promql_expr_test ?? []).map((t) => t.expr.trim()));
    for (const r of records) expect(tested, r.record).toContain(r.record);
  });
});
