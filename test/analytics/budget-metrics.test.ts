import { describe, expect, it } from 'vitest';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { CostAnalytics } from '../../src/analytics/engine.js';
import { validateBudgets } from '../../src/analytics/budget-config.js';
import { METER_NAME, PROM } from '../../src/semconv.js';
import { fakeClock, pricedCall } from './factory.js';

async function exposition(exporter: PrometheusExporter): Promise<string> {
  const { resourceMetrics } = await exporter.collect();
  return new PrometheusSerializer().serialize(resourceMetrics);
}

function lines(text: string, prefix: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(prefix));
}

describe('budget metrics through the real SDK and Prometheus exporter', () => {
  it('are present from start-up and follow spend and events', async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({ readers: [exporter] });
    const clock = fakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const engine = CostAnalytics.open({
      store: ':memory:',
      clock: clock.now,
      budgets: validateBudgets([{ name: 'daily', limitUsd: 10, period: 'day', timezone: 'America/New_York' }]),
      timezone: 'UTC',
      flushIntervalMs: 0,
      meter: provider.getMeter(METER_NAME),
    });
    const scope = `otel_scope_name="${METER_NAME}"`;
    const labels = `llm_budget_name="daily",llm_budget_period="day",llm_budget_scope="replica",${scope}`;
    let text = await exposition(exporter);
    expect(text).toContain(`# TYPE ${PROM.budgetPeriodEnd} gauge`);
    expect(lines(text, 'llm_budget_')).toEqual([
      `llm_budget_limit_usd{${labels}} 10`,
      `llm_budget_spent_usd{${labels}} 0`,
      `llm_budget_forecast_usd{${labels}} 0`,
      // Midnight of 2026-03-11 in New York (EDT) = 04:00Z.
      `${PROM.budgetPeriodEnd}{${labels}} ${Date.parse('2026-03-11T04:00:00Z') / 1000}`,
      `llm_budget_alerts_total{llm_budget_name="daily",llm_budget_period="day",llm_budget_level="warning",${scope}} 0`,
      `llm_budget_alerts_total{llm_budget_name="daily",llm_budget_period="day",llm_budget_level="exceeded",${scope}} 0`,
      `llm_budget_alerts_total{llm_budget_name="daily",llm_budget_period="day",llm_budget_level="forecast",${scope}} 0`,
    ]);
    engine.record(pricedCall({ at: clock.now(), costUsd: 8.5 }));
    await engine.flush();
    text = await exposition(exporter);
    expect(lines(text, 'llm_budget_spent_usd')).toEqual([`llm_budget_spent_usd{${labels}} 8.5`]);
    expect(lines(text, 'llm_budget_alerts_total')).toContain(`llm_budget_alerts_total{llm_budget_name="daily",llm_budget_period="day",llm_budget_level="warning",${scope}} 1`);
    expect(lines(text, 'llm_budget_alerts_total')).toContain(`llm_budget_alerts_total{llm_budget_name="daily",llm_budget_period="day",llm_budget_level="exceeded",${scope}} 0`);
    await engine.close();
    await provider.shutdown();
  });
});
