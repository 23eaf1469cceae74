// analytics.usage(): everything the usage page shows for one range, in one answer, built from
// the other queries (byModel, by, daily, dailyBy, budgets, topSessions, topUsers) so the page
// and the API can never disagree. Every list in it is capped.
import { budgetOutlook } from './budget-outlook.js';
import type { BudgetOutlook } from './budget-outlook.js';
import type { DailyByView } from './daily-by.js';
import { dayNumberToDate } from './timezone.js';
import type { AnalyticsApi, DailyRow, DimensionRow, ModelRow, TopEntry, WindowTotalsView } from './query-types.js';

export interface UsageQuery {
  /** Range of the headline, tables and top lists, in hours back from now. Default: 24. */
  hours?: number;
  /** Days of the daily chart and table, ending today. Default: 30. */
  days?: number;
  /** Rows kept in each table (the rest are counted in `omitted`; totals include them). Default: 50, at most 500. */
  top?: number;
}

export interface UnpricedModel {
  provider: string;
  model: string;
  /** Calls of this model with no price (their cost is unknown, not $0). */
  calls: number;
}

export interface UsageView {
  generatedAtMs: number;
  /** IANA timezone of the days. */
  timezone: string;
  hours: number;
  days: number;
  /** Totals over the range, every model included. */
  totals: WindowTotalsView;
  /** Models with unpriced calls in the range, most calls first (at most `top`). */
  unpricedModels: UnpricedModel[];
  byModel: ModelRow[];
  byService: DimensionRow[];
  byAgent: DimensionRow[];
  /** Rows left out of each table past `top`. */
  omitted: { byModel: number; byService: number; byAgent: number; unpricedModels: number };
  daily: DailyRow[];
  dailyByModel: DailyByView;
  budgets: UsageBudget[];
  topSessions: TopEntry[];
  topUsers: TopEntry[];
}

/** A calendar budget's spend per local day of its current period (BudgetTracker.periodDays). */
export interface BudgetPeriodDays {
  /** Day number of the period's first local day. */
  firstDay: number;
  /** Spend of each day from the first to today. */
  spentUsd: number[];
}

export interface UsageBudget extends BudgetOutlook {
  /**
   * Spend to date at the end of each local day (budget's timezone) of the current period, up to
   * today, whose last value is spentUsd: the daily chart draws it against the limit, then the
   * forecast from it. null for rolling periods (no period end ahead) and fleet-wide budgets
   * (the shared store keeps no daily history).
   */
  spentToDate: { dates: string[]; cumulativeUsd: number[] } | null;
}

function spentToDate(b: BudgetOutlook, days: BudgetPeriodDays | undefined): UsageBudget['spentToDate'] {
  if (days === undefined || b.scope === 'fleet') return null;
  const dates: string[] = [];
  const cumulativeUsd: number[] = [];
  let sum = 0;
  days.spentUsd.forEach((spent, i) => {
    sum += spent;
    dates.push(dayNumberToDate(days.firstDay + i));
    cumulativeUsd.push(sum);
  });
  return { dates, cumulativeUsd };
}

function sumRows(rows: readonly WindowTotalsView[]): WindowTotalsView {
  const t = {
    calls: 0, pricedCalls: 0, unpricedCalls: 0, errors: 0, costUsd: 0, inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0,
    outputTokens: 0, reasoningTokens: 0, totalTokens: 0, cacheSavingsUsd: 0,
  };
  let durationMsSum = 0;
  for (const r of rows) {
    for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += r[k];
    if (r.avgDurationMs !== null) durationMsSum += r.avgDurationMs * r.calls;
  }
  return {
    ...t,
    avgDurationMs: t.calls > 0 ? durationMsSum / t.calls : null,
    avgCostPerCallUsd: t.pricedCalls > 0 ? t.costUsd / t.pricedCalls : null,
  };
}

/** The range's rows as byModel() and by({ dimension: 'service' | 'agent' }) give them. */
export interface RangeRows {
  models: ModelRow[];
  services: DimensionRow[];
  agents: DimensionRow[];
}

/** hours, days and top are validated by the caller. */
export function usageView(
  api: AnalyticsApi, nowMs: number, timezone: string, q: { hours: number; days: number; top: number }, range: RangeRows,
  budgetDays: ReadonlyMap<string, BudgetPeriodDays>,
): UsageView {
  const { days, top } = q;
  const { models, services, agents } = range;
  const unpriced = models
    .filter((m) => m.unpricedCalls > 0)
    .map((m) => ({ provider: m.provider, model: m.model, calls: m.unpricedCalls }))
    .sort((a, b) => b.calls - a.calls);
  return {
    generatedAtMs: nowMs,
    timezone,
    hours: q.hours,
    days,
    totals: sumRows(models),
    unpricedModels: unpriced.slice(0, top),
    byModel: models.slice(0, top),
    byService: services.slice(0, top),
    byAgent: agents.slice(0, top),
    omitted: {
      byModel: Math.max(0, models.length - top),
      byService: Math.max(0, services.length - top),
      byAgent: Math.max(0, agents.length - top),
      unpricedModels: Math.max(0, unpriced.length - top),
    },
    daily: api.daily({ days }),
    dailyByModel: api.dailyBy({ dimension: 'model', days }),
    budgets: api.budgets().map((b) => {
      const outlook = budgetOutlook(b, nowMs);
      return { ...outlook, spentToDate: spentToDate(outlook, budgetDays.get(b.name)) };
    }),
    topSessions: api.topSessions({ n: 10 }),
    topUsers: api.topUsers({ n: 10 }),
  };
}
