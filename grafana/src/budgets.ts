// "LLM budgets": fleet-wide state of every configured budget. The budget gauges are per
// instance: spend and forecast add up across instances, the limit is the same everywhere;
// with a shared budget store every instance already reports the fleet's spend.
import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { L, M } from './names.js';
import { UNIT, barGauge, statPanel, tablePanel, timeSeries } from './panels.js';
import { plain, sumIncrease } from './promql.js';
import { dashboardsLink, datasourceVariable, labelVariable } from './variables.js';

export const BUDGETS_UID = 'otel-llm-cost-budgets';

const BUDGET = [L.budgetName, L.budgetPeriod];
const BY_BUDGET = `by (${BUDGET.join(', ')})`;
const BUDGET_LEGEND = `{{${L.budgetName}}} ({{${L.budgetPeriod}}})`;
const matcher = `${L.budgetName}=~"$budget"`;

/** Fleet-wide budget expressions (also used by the recording rules' tests). */
// A shared budget store (llm.budget.scope="fleet") makes every instance report the fleet's
// spend: take it with max; per-instance spend (scope "replica") adds up.
const FLEET_SCOPE = `${L.budgetScope}="fleet"`;
const REPLICA_SCOPE = `${L.budgetScope}!="fleet"`;
const acrossInstances = (metric: string): string =>
  `(max ${BY_BUDGET} (${plain(metric, matcher, FLEET_SCOPE)}) or sum ${BY_BUDGET} (${plain(metric, matcher, REPLICA_SCOPE)}))`;

export const fleet = {
  spent: acrossInstances(M.budgetSpent),
  limit: `max ${BY_BUDGET} (${plain(M.budgetLimit, matcher)})`,
  forecast: acrossInstances(M.budgetForecast),
  periodEnd: `max ${BY_BUDGET} (${plain(M.budgetPeriodEnd, matcher)})`,
};

const utilizationSteps: Array<[number | null, string]> = [
  [null, 'green'],
  [0.8, 'orange'],
  [1, 'red'],
];

export function budgetsDashboard(): Dashboard {
  return new DashboardBuilder('LLM budgets')
    .uid(BUDGETS_UID)
    .description('Spend against the otel-llm-cost budgets, across every instance.')
    .tags(['llm', 'cost', 'budget', 'otel-llm-cost'])
    .time({ from: 'now-7d', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .readonly()
    .link(dashboardsLink())
    .withVariable(datasourceVariable())
    .withVariable(
      labelVariable('budget', 'Budget', `label_values(${M.budgetLimit}, ${L.budgetName})`, 'llm.budget.name of the configured budgets.'),
    )
    .withRow(new RowBuilder('Now').id(1))
    .withPanel(
      barGauge({
        id: 2,
        title: 'Utilization',
        description:
          'Spend in the current period divided by the limit, across every instance that reports the budget (summed, or the fleet total from a shared budget store). Orange from 80 %, red from 100 %.',
        unit: UNIT.ratio,
        min: 0,
        max: 1,
        width: 8,
        height: 8,
        thresholds: utilizationSteps,
        queries: [{ expr: `${fleet.spent} / ${fleet.limit}`, instant: true, legend: BUDGET_LEGEND }],
      }),
    )
    .withPanel(
      barGauge({
        id: 3,
        title: 'Projected utilization at period end',
        description:
          'Forecast spend at the end of the period (period-to-date plus the recent rate times the time left, summed over instances) divided by the limit.',
        unit: UNIT.ratio,
        min: 0,
        max: 1,
        width: 8,
        height: 8,
        thresholds: utilizationSteps,
        queries: [{ expr: `${fleet.forecast} / ${fleet.limit}`, instant: true, legend: BUDGET_LEGEND }],
      }),
    )
    .withPanel(
      statPanel({
        id: 4,
        title: 'Time left in period',
        description: 'Time until the current budget period ends and the spend starts again from zero.',
        unit: UNIT.duration,
        decimals: 0,
        width: 8,
        height: 8,
        queries: [{ expr: `${fleet.periodEnd} - time()`, instant: true, legend: BUDGET_LEGEND }],
      }),
    )
    .withRow(new RowBuilder('Over time').id(5))
    .withPanel(
      timeSeries({
        id: 6,
        title: 'Spent vs limit vs forecast',
        description:
          'Per budget: spend in the current period and its forecast at period end (both summed over instances), and the configured limit.',
        unit: UNIT.usd,
        min: 0,
        width: 24,
        height: 9,
        queries: [
          { expr: fleet.spent, legend: `${BUDGET_LEGEND} spent` },
          { expr: fleet.limit, legend: `${BUDGET_LEGEND} limit` },
          { expr: fleet.forecast, legend: `${BUDGET_LEGEND} forecast` },
        ],
      }),
    )
    .withPanel(
      tablePanel({
        id: 7,
        title: 'Budgets',
        description: 'Limit, spend, forecast and remaining amount of every budget now (USD).',
        unit: UNIT.usd,
        decimals: 2,
        width: 12,
        height: 8,
        queries: [
          { expr: fleet.limit, instant: true, table: true },
          { expr: fleet.spent, instant: true, table: true },
          { expr: fleet.forecast, instant: true, table: true },
          { expr: `${fleet.limit} - ${fleet.spent}`, instant: true, table: true },
        ],
      })
        .withTransformation({ id: 'merge', options: {} })
        .withTransformation({
          id: 'organize',
          options: {
            excludeByName: { Time: true },
            renameByName: {
              [L.budgetName]: 'Budget',
              [L.budgetPeriod]: 'Period',
              'Value #A': 'Limit',
              'Value #B': 'Spent',
              'Value #C': 'Forecast',
              'Value #D': 'Remaining',
            },
          },
        }),
    )
    .withPanel(
      barGauge({
        id: 8,
        title: 'Budget alerts fired',
        description:
          'Budget alerts otel-llm-cost raised in the selected time range, by budget and llm.budget.level (warning, exceeded, forecast).',
        unit: UNIT.count,
        decimals: 0,
        width: 12,
        height: 8,
        queries: [
          {
            expr: sumIncrease(plain(M.budgetAlerts, matcher), [L.budgetName, L.budgetLevel]),
            instant: true,
            legend: `{{${L.budgetName}}} {{${L.budgetLevel}}}`,
          },
        ],
      }),
    )
    .build();
}
