// analytics.usage(): everything the usage page shows for one range, in one answer, built from
// the other queries (byModel, by, daily, dailyBy, budgets, topSessions, topUsers) so the page
// and the API can never disagree. Every list in it is capped.
import { budgetOutlook } from './budget-outlook.js';
import type { BudgetOutlook } from './budget-outlook.js';
import type { DailyByView } from './daily-by.js';
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
  budgets: BudgetOutlook[];
  topSessions: TopEntry[];
  topUsers: TopEntry[];
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
export function usageView(api: AnalyticsApi, nowMs: number, timezone: string, q: { hours: number; days: number; top: number }, range: RangeRows): UsageView {
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
    budgets: api.budgets().map((b) => budgetOutlook(b, nowMs)),
    topSessions: api.topSessions({ n: 10 }),
    topUsers: api.topUsers({ n: 10 }),
  };
}
