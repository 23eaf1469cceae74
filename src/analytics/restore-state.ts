// Loads persisted state into the in-memory engine at open: window rollups, sketches,
// budget spend (rebuilt from the ledger when a budget is new or its definition changed)
// and the threshold events already fired.
import { ledgerAttributes } from './call-attributes.js';
import type { BudgetTracker } from './budget-tracker.js';
import type { SpaceSaving } from './space-saving.js';
import { HOUR_RETENTION_MS, MINUTE_RETENTION_MS } from './windows.js';
import type { TimeWindows } from './windows.js';
import type { CostStore } from '../store/cost-store.js';

const DAY_MS = 86_400_000;
/** Ledger rows read at a time while a budget is rebuilt. */
const REBUILD_PAGE = 10_000;

export interface RestoreTargets {
  store: CostStore;
  windows: TimeWindows;
  sessions: SpaceSaving;
  users: SpaceSaving;
  trackers: readonly BudgetTracker[];
  nowMs: number;
}

export function restoreState(t: RestoreTargets): void {
  const { store, nowMs } = t;
  for (const row of store.loadRollups(nowMs - MINUTE_RETENTION_MS, nowMs - HOUR_RETENTION_MS)) t.windows.restore(row);
  for (const h of store.loadSketch('session')) t.sessions.restore(h);
  for (const h of store.loadSketch('user')) t.users.restore(h);
  const fired = store.loadEvents();
  for (const tracker of t.trackers) {
    const name = tracker.config.name;
    const key = `budget:${name}`;
    if (store.getMeta(key) === tracker.fingerprint()) {
      tracker.restore(store.loadBudgetSpend(name));
    } else if (store.readOnly) {
      tracker.restore(store.loadBudgetSpend(name));
    } else {
      rebuildFromLedger(store, tracker, nowMs);
      store.setMeta(key, tracker.fingerprint());
    }
    for (const e of fired) if (e.budget === name) tracker.restoreFired(e.periodKey, e.level, e.threshold);
  }
}

/** New or changed budget: recompute its spend from the ledger (as far as retention allows). */
function rebuildFromLedger(store: CostStore, tracker: BudgetTracker, nowMs: number): void {
  tracker.clear();
  const fromMs = nowMs - 70 * DAY_MS;
  for (let page = store.page({ fromMs, limit: REBUILD_PAGE }); ; page = store.page({ fromMs, limit: REBUILD_PAGE, after: page.next })) {
    for (const row of page.calls) {
      if (!row.priced || row.costUsd === null) continue;
      if (tracker.matches(ledgerAttributes(row))) tracker.add(row.tsMs, row.costUsd);
    }
    if (page.next === undefined) break;
  }
  tracker.takeDirty();
  store.replaceBudgetSpend(tracker.config.name, tracker.allRows());
}
