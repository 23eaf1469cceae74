// Budget instruments (DESIGN.md metrics contract): observable gauges for limit, spend, forecast
// and period end, present from start-up; an alerts counter whose series start at 0.
import type { Attributes, Meter } from '@opentelemetry/api';
import {
  ATTR_BUDGET_LEVEL, ATTR_BUDGET_NAME, ATTR_BUDGET_PERIOD, ATTR_BUDGET_SCOPE, BUDGET_LEVELS, METRIC_BUDGET_ALERTS,
  METRIC_BUDGET_FORECAST, METRIC_BUDGET_LIMIT, METRIC_BUDGET_PERIOD_END, METRIC_BUDGET_SPENT,
} from '../semconv.js';
import type { BudgetLevel } from '../semconv.js';
import type { BudgetStatus } from '../analytics/budget-tracker.js';

export interface BudgetMetrics {
  /** Counts one threshold event. */
  alert(budget: string, level: BudgetLevel): void;
}

export interface BudgetIdentity {
  name: string;
  period: string;
}

/**
 * Registers the budget instruments on `meter`. `statuses` is read once per collection.
 * The gauges carry llm.budget.scope: 'replica' = this process's spend (Prometheus sums it over
 * instances); 'fleet' = the whole fleet's, from the shared budget store (every instance reports
 * the same total: take the max, never the sum).
 */
export function registerBudgetMetrics(meter: Meter, budgets: readonly BudgetIdentity[], statuses: () => BudgetStatus[], scope: 'fleet' | 'replica' = 'replica'): BudgetMetrics {
  const attrs = new Map<string, Attributes>();
  const levelAttrs = new Map<string, Attributes>();
  for (const b of budgets) {
    const base = { [ATTR_BUDGET_NAME]: b.name, [ATTR_BUDGET_PERIOD]: b.period };
    attrs.set(b.name, { ...base, [ATTR_BUDGET_SCOPE]: scope });
    for (const level of BUDGET_LEVELS) levelAttrs.set(`${b.name}\u0000${level}`, { ...base, [ATTR_BUDGET_LEVEL]: level });
  }
  const limit = meter.createObservableGauge(METRIC_BUDGET_LIMIT, { unit: 'USD', description: 'Budget limit per period.' });
  const spent = meter.createObservableGauge(METRIC_BUDGET_SPENT, { unit: 'USD', description: 'Spend in the current budget period: of this instance (llm.budget.scope=replica) or of the fleet (fleet).' });
  const forecast = meter.createObservableGauge(METRIC_BUDGET_FORECAST, { unit: 'USD', description: 'Projected spend at the end of the budget period.' });
  const periodEnd = meter.createObservableGauge(METRIC_BUDGET_PERIOD_END, { unit: 's', description: 'End of the current budget period, in seconds since the epoch.' });
  const alerts = meter.createCounter(METRIC_BUDGET_ALERTS, { description: 'Budget threshold events, by level.' });
  if (budgets.length > 0) {
    meter.addBatchObservableCallback((result) => {
      for (const s of statuses()) {
        const a = attrs.get(s.name);
        if (a === undefined) continue;
        result.observe(limit, s.limitUsd, a);
        result.observe(spent, s.spentUsd, a);
        result.observe(forecast, s.forecastUsd, a);
        result.observe(periodEnd, Math.floor(s.periodEndMs / 1000), a);
      }
    }, [limit, spent, forecast, periodEnd]);
  }
  // Create every alert series at 0 so the first real increment is visible to increase().
  for (const a of levelAttrs.values()) alerts.add(0, a);
  return {
    alert(budget, level) {
      const a = levelAttrs.get(`${budget}\u0000${level}`);
      if (a !== undefined) alerts.add(1, a);
    },
  };
}
