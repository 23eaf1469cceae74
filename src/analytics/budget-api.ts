// processor.budgets: enforcement check before an LLM call, and budget status.
import type { BudgetStatus, BudgetTracker } from './budget-tracker.js';
import type { ForecastMethod } from './forecast.js';

export interface BudgetCheck {
  /** false only when a matching budget with action 'block' is exhausted. */
  allowed: boolean;
  /** The deciding budget: the blocking one, else the matching one closest to its limit. */
  budget: string | undefined;
  /** Its spend in the current period (USD); 0 when no budget matches. */
  spent: number;
  /** Its limit (USD); Infinity when no budget matches. */
  limit: number;
  reason: string;
}

export interface BudgetApi {
  /**
   * Which budgets apply to a call with these attributes (keys as in BudgetConfig.match) and whether
   * it may proceed. A budget whose match names an attribute absent here does not apply.
   */
  check(attributes: Readonly<Record<string, unknown>>): BudgetCheck;
  /** Status of every budget. */
  status(): BudgetStatus[];
}

/**
 * `storeRefusal`: with a shared budget store configured to block while unreachable, why block
 * budgets refuse now (undefined when they decide on spend).
 */
export function createBudgetApi(
  trackers: readonly BudgetTracker[],
  clock: () => number,
  method: () => ForecastMethod,
  storeRefusal: () => string | undefined = () => undefined,
): BudgetApi {
  return {
    check(attributes) {
      const read = (key: string): string | undefined => {
        const v = attributes[key];
        return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
      };
      const now = clock();
      let blocking: { t: BudgetTracker; spent: number } | undefined;
      let closest: { t: BudgetTracker; spent: number } | undefined;
      let refusal: { t: BudgetTracker; spent: number; why: string } | undefined;
      for (const t of trackers) {
        if (!t.matches(read)) continue;
        const spent = t.spent(now);
        if (spent >= t.config.limitUsd && t.config.action === 'block') {
          if (blocking === undefined) blocking = { t, spent };
        } else if (t.config.action === 'block' && refusal === undefined) {
          const why = storeRefusal();
          if (why !== undefined) refusal = { t, spent, why };
        }
        if (closest === undefined || spent / t.config.limitUsd > closest.spent / closest.t.config.limitUsd) closest = { t, spent };
      }
      if (blocking !== undefined) {
        const { t, spent } = blocking;
        return { allowed: false, budget: t.config.name, spent, limit: t.config.limitUsd, reason: `budget "${t.config.name}" exhausted: spent $${spent.toFixed(4)} of $${t.config.limitUsd} this ${t.config.period} period (action: block)` };
      }
      if (refusal !== undefined) {
        const { t, spent, why } = refusal;
        return { allowed: false, budget: t.config.name, spent, limit: t.config.limitUsd, reason: `budget "${t.config.name}" (action: block) cannot be checked: ${why}` };
      }
      if (closest === undefined) return { allowed: true, budget: undefined, spent: 0, limit: Number.POSITIVE_INFINITY, reason: 'no budget applies' };
      const { t, spent } = closest;
      const over = spent >= t.config.limitUsd;
      return {
        allowed: true,
        budget: t.config.name,
        spent,
        limit: t.config.limitUsd,
        reason: over
          ? `budget "${t.config.name}" exceeded ($${spent.toFixed(4)} of $${t.config.limitUsd}) but its action is alert`
          : `within budget "${t.config.name}": $${spent.toFixed(4)} of $${t.config.limitUsd}`,
      };
    },
    status() {
      const now = clock();
      const m = method();
      return trackers.map((t) => t.status(now, m));
    },
  };
}
