// What a budget's status means for a person: its state (ok, warning, exceeded) and the moment it
// runs out if spending goes on at the rate its forecast assumes.
import type { BudgetStatus } from './budget-tracker.js';

export type BudgetState = 'ok' | 'warning' | 'exceeded';

export interface BudgetOutlook extends BudgetStatus {
  /**
   * exceeded: spent >= limit. warning: spent reached a warnAt threshold, or the forecast for the
   * period end is over the limit. ok: neither.
   */
  state: BudgetState;
  /**
   * When the limit is reached at the forecast's rate (epoch ms): the rate is the spend the
   * forecast adds between now and the period end, spread evenly. null when the budget is already
   * exceeded, when the forecast stays within the limit, or for rolling periods (no period end ahead).
   */
  runOutMs: number | null;
}

export function budgetOutlook(s: BudgetStatus, nowMs: number): BudgetOutlook {
  const exceeded = s.spentUsd >= s.limitUsd;
  const warned = s.warnAt.some((f) => s.spentUsd >= f * s.limitUsd) || s.forecastUsd > s.limitUsd;
  let runOutMs: number | null = null;
  const left = s.periodEndMs - nowMs;
  if (!exceeded && left > 0 && s.forecastUsd > s.limitUsd) {
    const ratePerMs = (s.forecastUsd - s.spentUsd) / left;
    if (ratePerMs > 0) runOutMs = Math.min(s.periodEndMs, Math.round(nowMs + (s.limitUsd - s.spentUsd) / ratePerMs));
  }
  return { ...s, state: exceeded ? 'exceeded' : warned ? 'warning' : 'ok', runOutMs };
}
