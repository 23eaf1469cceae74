// Budget events: at each flush every budget is evaluated; an event that crosses a threshold is
// stored (so that a restart does not fire it again) and fired: counted in
// llm.budget.alerts and handed to onBudgetEvent, or, with a shared budget store, fired by the
// one replica that claims it first.
import type { BudgetMetrics } from '../metrics/budget-metrics.js';
import type { FleetBudgetSync } from '../budgets/fleet-budget-sync.js';
import type { CostStore } from '../store/cost-store.js';
import type { BudgetEvent, BudgetTracker } from './budget-tracker.js';
import type { ForecastMethod } from './forecast.js';

export interface BudgetEventsOptions {
  trackers: readonly BudgetTracker[];
  store: CostStore;
  metrics: BudgetMetrics;
  fleet: FleetBudgetSync | undefined;
  onBudgetEvent: ((e: BudgetEvent) => void) | undefined;
  /** Reports a failure once per kind. */
  report: (kind: string, err: unknown) => void;
}

export class BudgetEvents {
  /** Event records the store refused, oldest first (write). */
  private readonly unstored: Array<() => void> = [];

  constructor(private readonly opts: BudgetEventsOptions) {}

  /** Evaluates every budget at `now`: stores and fires the events crossed, forgets the re-armed. */
  evaluate(now: number, method: ForecastMethod): void {
    const { store, fleet } = this.opts;
    for (const t of this.opts.trackers) {
      const { events, rearmed } = t.evaluate(now, method);
      for (const r of rearmed) this.write(() => store.deleteEvent(t.config.name, r.periodKey, r.level, r.threshold));
      for (const e of events) {
        this.write(() => store.insertEvent({ budget: e.budget, periodKey: e.periodKey, level: e.level, threshold: e.threshold, firedMs: e.timeMs }));
        // Shared store: the event fires in the one replica that claims it first.
        if (fleet !== undefined && t.shared !== undefined) fleet.claim(t.shared, e);
        else this.fire(e);
      }
    }
  }

  fire(e: BudgetEvent): void {
    this.opts.metrics.alert(e.budget, e.level);
    try {
      this.opts.onBudgetEvent?.(e);
    } catch (err) {
      this.opts.report('onBudgetEvent', err);
    }
  }

  /** Retries the queued event records in order; throws (keeping the rest) while the store refuses. */
  retryWrites(): void {
    while (this.unstored.length > 0) {
      this.unstored[0]!();
      this.unstored.shift();
    }
  }

  /**
   * Writes an event's record, or queues it when the store refuses (disk full...): the event
   * still fires now (an alert held back until the disk has room would come too late), and the
   * record is retried at every flush, so that a restart does not fire it again once it is stored.
   * Bounded by the budgets' thresholds and periods.
   */
  private write(record: () => void): void {
    if (this.unstored.length === 0) {
      try {
        record();
        return;
      } catch (err) {
        this.opts.report('budget event write', err);
      }
    }
    this.unstored.push(record);
  }
}
