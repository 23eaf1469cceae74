// Gauges of the shared budget store (budgetStore option): which state it is in, how old the
// fleet view that check() decides on is, and how much spend this replica still owes it.
import type { Meter } from '@opentelemetry/api';
import {
  ATTR_BUDGET_STORE_STATE, BUDGET_STORE_STATES, METRIC_BUDGET_STORE_STALENESS, METRIC_BUDGET_STORE_STATE,
  METRIC_BUDGET_STORE_UNPUSHED,
} from '../semconv.js';

export type BudgetStoreState = (typeof BUDGET_STORE_STATES)[number];

export interface BudgetStoreSnapshot {
  state: BudgetStoreState;
  /** Seconds since the last successful sync (since start, before the first). */
  stalenessSeconds: number;
  /** USD spent here and not yet acknowledged by the store. */
  unpushedUsd: number;
}

export function registerBudgetStoreMetrics(meter: Meter, snapshot: () => BudgetStoreSnapshot): void {
  const stateAttrs = BUDGET_STORE_STATES.map((s) => ({ state: s, attrs: { [ATTR_BUDGET_STORE_STATE]: s } }));
  const state = meter.createObservableGauge(METRIC_BUDGET_STORE_STATE, {
    description: 'State of the shared budget store: 1 on the current state (connecting, up, down), 0 on the others.',
  });
  const staleness = meter.createObservableGauge(METRIC_BUDGET_STORE_STALENESS, {
    unit: 's',
    description: 'Age of the fleet budget totals this instance decides on (time since its last successful sync).',
  });
  const unpushed = meter.createObservableGauge(METRIC_BUDGET_STORE_UNPUSHED, {
    unit: 'USD',
    description: 'Spend counted by this instance and not yet added to the shared budget store.',
  });
  meter.addBatchObservableCallback((result) => {
    const s = snapshot();
    for (const { state: name, attrs } of stateAttrs) result.observe(state, name === s.state ? 1 : 0, attrs);
    result.observe(staleness, s.stalenessSeconds);
    result.observe(unpushed, s.unpushedUsd);
  }, [state, staleness, unpushed]);
}
