// The cost-analytics engine: windows, top-K sketches, budgets and forecasts in memory, with
// batched durable writes to the store. record() is the hot path and never throws.
import { diag } from '@opentelemetry/api';
import type { Meter } from '@opentelemetry/api';
import { durationOf } from './aggregate.js';
import { createAnalyticsApi } from './query-api.js';
import type { AnalyticsApi } from './query-api.js';
import { createBudgetApi } from './budget-api.js';
import type { BudgetApi } from './budget-api.js';
import { BudgetEvents } from './budget-events.js';
import { BudgetTracker } from './budget-tracker.js';
import type { BudgetEvent } from './budget-tracker.js';
import { validateBudgets } from './budget-config.js';
import type { BudgetConfig } from './budget-config.js';
import { DEFAULT_FORECAST_METHOD } from './forecast.js';
import type { ForecastMethod } from './forecast.js';
import { restoreState } from './restore-state.js';
import { SpaceSaving } from './space-saving.js';
import { DEFAULT_STORE_BACKLOG_BYTES, StoreBacklog } from './store-backlog.js';
import { DayCalendar } from './timezone.js';
import { HOUR_RETENTION_MS, MINUTE_RETENTION_MS, TimeWindows } from './windows.js';
import { registerBudgetMetrics } from '../metrics/budget-metrics.js';
import { CostStore } from '../store/cost-store.js';
import { ledgerRowOf } from '../store/ledger.js';
import { openDatabase } from '../store/open-database.js';
import type { FlushBatch } from '../store/rows.js';
import type { SqliteDriverName } from '../store/sqlite.js';
import type { PricedCall } from '../types.js';
import { FleetBudgetSync } from '../budgets/fleet-budget-sync.js';
import { SharedBudgetSpend } from '../budgets/shared-spend.js';

const DAY_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

export interface CostAnalyticsOptions {
  /** SQLite file path, or ':memory:'. */
  store: string;
  /** Epoch ms; inject a fake one in tests. */
  clock: () => number;
  /** Validated budgets (validateBudgets). */
  budgets: BudgetConfig[];
  /** IANA timezone of day buckets and of budgets without their own. */
  timezone: string;
  /** How often buffered writes go to the store (ms); 0 disables the timer (flush() by hand). */
  flushIntervalMs: number;
  /** Meter for the budget instruments. */
  meter: Meter;
  /** Called once per budget threshold event (after it is stored). */
  onBudgetEvent?: (e: BudgetEvent) => void;
  /** Open an existing store read-only (report CLI): no writes, no timer. Default: false. */
  readOnly?: boolean;
  /** Entries of each heavy-hitter sketch (sessions, users). Default: 1000. */
  topKCapacity?: number;
  /** Days the per-call ledger is kept. Default: 90. Rollups by day are kept for good. */
  ledgerRetentionDays?: number;
  /** Forecast method of budgets. Default: 'holt-winters'. */
  forecastMethod?: ForecastMethod;
  /** Calls buffered before a flush is scheduled early (fewer, larger flushes cost less per call). Default: 32768. */
  flushBatchSize?: number;
  /** How long a write waits for another process's lock on the store before failing (ms). Default: 5000. */
  busyTimeoutMs?: number;
  /** Bytes of ledger rows kept while the store fails; the oldest beyond it are dropped (and counted). Default: 128 MiB. */
  storeBacklogBytes?: number;
  /** Told of ledger rows dropped for that bound (reason 'store_backlog_full'): the pipeline's llm.cost.spans.dropped. */
  onDropped?: (reason: string, rows: number) => void;
  /** Shared budget store that makes budgets fleet-wide (validated options). Default: none. */
  budgetStore?: { url: string; keyPrefix: string; syncMs: number; unavailable: 'allow' | 'block' };
  /** SQLite driver; default: the one src/store/sqlite.ts chooses for this Node. */
  sqliteDriver?: SqliteDriverName;
}

/** Largest topKCapacity: each entry is a few hundred bytes, and the whole sketch is written when it changed. */
const MAX_TOP_K = 100_000;

export interface CostAnalyticsStats {
  recorded: number;
  pending: number;
  dropped: number;
  recordErrors: number;
  flushErrors: number;
  lastFlushError: string | undefined;
}

export type { BudgetEvent };

export class CostAnalytics {
  readonly analytics: AnalyticsApi;
  readonly budgets: BudgetApi;
  /** IANA timezone of the day buckets (the store's, when opened read-only). */
  readonly timezone: string;
  private readonly logger = diag.createComponentLogger({ namespace: 'otel-llm-cost/analytics' });
  private readonly store: CostStore;
  private readonly windows: TimeWindows;
  private readonly sessions: SpaceSaving;
  private readonly users: SpaceSaving;
  private readonly trackers: BudgetTracker[];
  private readonly events: BudgetEvents;
  private readonly fleet: FleetBudgetSync | undefined;
  private readonly clock: () => number;
  private readonly method: ForecastMethod;
  private readonly batchSize: number;
  private readonly retentionMs: number;
  /** Ledger rows recorded since the last successful flush, oldest first. */
  private readonly pending: StoreBacklog;
  private timer: NodeJS.Timeout | undefined;
  private flushScheduled = false;
  private lastPrune = Number.NEGATIVE_INFINITY;
  private closed = false;
  private readonly reported = new Set<string>();
  private readonly counts = { recorded: 0, recordErrors: 0 };

  private constructor(private readonly options: CostAnalyticsOptions) {
    this.clock = options.clock;
    this.method = options.forecastMethod ?? DEFAULT_FORECAST_METHOD;
    this.batchSize = options.flushBatchSize ?? 32_768;
    this.pending = new StoreBacklog({
      maxBytes: options.storeBacklogBytes ?? DEFAULT_STORE_BACKLOG_BYTES,
      meter: options.meter,
      logger: this.logger,
      onDropped: options.onDropped,
      clock: options.clock,
    });
    this.retentionMs = (options.ledgerRetentionDays ?? 90) * DAY_MS;
    const readOnly = options.readOnly === true;
    const capacity = options.topKCapacity ?? 1000;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_TOP_K) {
      throw new RangeError(`topKCapacity must be an integer from 1 to ${MAX_TOP_K}, got ${String(capacity)}; it is the number of sessions and of users the top-K sketches keep (default 1000)`);
    }
    this.store = new CostStore(openDatabase(options.store, { readOnly, busyTimeoutMs: options.busyTimeoutMs, driver: options.sqliteDriver }), readOnly);
    try {
      let budgets = options.budgets;
      if (readOnly && budgets.length === 0) {
        const saved = this.store.getMeta('budgets');
        if (saved !== undefined) budgets = validateBudgets(JSON.parse(saved), 'budgets', options.timezone);
      }
      const storedTz = this.store.getMeta('timezone');
      const timezone = readOnly && storedTz !== undefined ? storedTz : options.timezone;
      this.timezone = timezone;
      this.windows = new TimeWindows(new DayCalendar(timezone));
      this.sessions = new SpaceSaving(capacity);
      this.users = new SpaceSaving(capacity);
      this.trackers = budgets.map((b) => new BudgetTracker(b, timezone));
      restoreState({ store: this.store, windows: this.windows, sessions: this.sessions, users: this.users, trackers: this.trackers, nowMs: this.clock() });
      // Attached after the restore: spend this replica restored from its own store is already in
      // the fleet total and must never be added again (that would multiply it by the replicas).
      this.fleet = readOnly || options.budgetStore === undefined ? undefined : this.openFleet(options.budgetStore, options.meter);
      if (!readOnly) {
        this.store.setMeta('budgets', JSON.stringify(budgets));
        this.store.setMeta('timezone', timezone);
      }
      const metrics = registerBudgetMetrics(options.meter, budgets, () => this.safeStatuses(), this.fleet === undefined ? 'replica' : 'fleet');
      this.events = new BudgetEvents({
        trackers: this.trackers,
        store: this.store,
        metrics,
        fleet: this.fleet,
        onBudgetEvent: options.onBudgetEvent,
        report: (kind, err) => this.reportOnce(kind, err),
      });
      const fleet = this.fleet;
      this.budgets = createBudgetApi(this.trackers, this.clock, () => this.method, fleet === undefined ? undefined : () => fleet.refusal());
      this.analytics = createAnalyticsApi({
        windows: this.windows,
        sessions: this.sessions,
        users: this.users,
        store: this.store,
        timezone,
        clock: this.clock,
        budgets: () => this.budgets.status(),
        budgetPeriodDays: () => {
          const now = this.clock();
          const out = new Map<string, { firstDay: number; spentUsd: number[] }>();
          for (const t of this.trackers) {
            const days = t.periodDays(now);
            if (days !== undefined) out.set(t.config.name, days);
          }
          return out;
        },
        flushPending: () => {
          if (!readOnly) this.flushNow();
        },
        ledgerFromMs: () => this.clock() - this.retentionMs,
      });
    } catch (err) {
      this.store.close();
      throw err;
    }
    if (!readOnly && options.flushIntervalMs > 0) {
      this.timer = setInterval(() => this.flushNow(), options.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Opens the engine and its store synchronously. Throws StoreError for a corrupt store or newer schema. */
  static open(options: CostAnalyticsOptions): CostAnalytics {
    return new CostAnalytics(options);
  }

  /** Adds one priced call. Never throws; problems are counted and reported once through diag. */
  record(call: PricedCall): void {
    if (this.closed || this.store.readOnly) return;
    try {
      const end = call.endTimeMs;
      const ts = Number.isFinite(end) && end > 0 ? Math.floor(end) : Math.floor(this.clock());
      const durationMs = durationOf(call);
      this.windows.add(ts, call, durationMs);
      const cost = call.priced && call.costUsd !== undefined && Number.isFinite(call.costUsd) ? call.costUsd : 0;
      if (call.sessionId !== undefined) this.sessions.add(call.sessionId, cost, ts, !call.priced);
      if (call.userId !== undefined) this.users.add(call.userId, cost, ts, !call.priced);
      if (cost !== 0) for (const t of this.trackers) if (t.matchesCall(call)) t.add(ts, cost);
      const pending = this.pending.push(ledgerRowOf(ts, durationMs, call));
      this.counts.recorded++;
      if (pending >= this.batchSize && !this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushNow());
      }
    } catch (err) {
      this.counts.recordErrors++;
      this.reportOnce('record', err);
    }
  }

  /**
   * Writes buffered state now and pushes the spend owed to the shared budget store (if any).
   * Rejects with the store's error if the write failed (it is retried later).
   */
  async flush(): Promise<void> {
    if (this.store.readOnly) return;
    const err = this.flushNow();
    await this.fleet?.flush();
    if (err !== undefined) throw err;
  }

  /** Flushes, stops the timer and closes the store. Rejects if the final write failed. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer !== undefined) clearInterval(this.timer);
    const err = this.store.readOnly ? undefined : this.flushNow();
    // After the last evaluation: its event claims go out with the final push.
    await this.fleet?.close();
    this.closed = true;
    this.store.close();
    if (err !== undefined) throw err;
  }

  stats(): CostAnalyticsStats {
    const p = this.pending;
    return { ...this.counts, pending: p.length, dropped: p.dropped, flushErrors: p.flushErrors, lastFlushError: p.lastError?.message };
  }

  /** While store writes fail: what /healthz says (cause, since when, calls waiting); undefined when the last flush succeeded. */
  storeProblem(): string | undefined {
    return this.pending.problem();
  }

  /** One atomic write of everything changed since the last flush; then budget events. */
  private flushNow(): Error | undefined {
    this.flushScheduled = false;
    if (this.closed) return undefined;
    const now = this.clock();
    const sessionEntries = this.sessions.takeSnapshot();
    const userEntries = this.users.takeSnapshot();
    const rollups = this.windows.takeDirty();
    const calls = this.pending.take();
    const batch: FlushBatch = {
      calls,
      rollups,
      sketches: [
        ...(sessionEntries === undefined ? [] : [{ kind: 'session' as const, entries: sessionEntries }]),
        ...(userEntries === undefined ? [] : [{ kind: 'user' as const, entries: userEntries }]),
      ],
      budgetSpend: this.trackers.flatMap((t) => t.takeDirty()),
    };
    let failure: Error | undefined;
    try {
      this.store.flush(batch);
      this.pending.succeeded(calls.length);
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      // Kept for the next flush, ahead of the calls recorded since.
      this.pending.failed(calls, failure);
      this.windows.returnDirty(rollups);
      if (sessionEntries !== undefined) this.sessions.markChanged();
      if (userEntries !== undefined) this.users.markChanged();
      const byBudget = new Map(this.trackers.map((t) => [t.config.name, t]));
      for (const r of batch.budgetSpend) byBudget.get(r.budget)?.returnDirty([r]);
    }
    try {
      if (failure === undefined) this.events.retryWrites();
      this.events.evaluate(now, this.method);
      if (failure === undefined && now - this.lastPrune >= PRUNE_EVERY_MS) this.prune(now);
    } catch (err) {
      this.reportOnce('budgets', err);
      failure ??= err instanceof Error ? err : new Error(String(err));
    }
    return failure;
  }

  private openFleet(config: NonNullable<CostAnalyticsOptions['budgetStore']>, meter: Meter): FleetBudgetSync {
    const spends = this.trackers.map((t) => {
      t.shared = new SharedBudgetSpend({
        name: t.config.name,
        fingerprint: t.fingerprint(),
        parsed: t.parsed,
        window: (ms) => t.window(ms),
        keyPrefix: config.keyPrefix,
      });
      return t.shared;
    });
    return new FleetBudgetSync(spends, {
      ...config,
      clock: this.clock,
      meter,
      onClaim: (e, won) => {
        // Claims are answered after the constructor has set events.
        if (won && !this.closed) this.events.fire(e);
      },
    });
  }

  private prune(now: number): void {
    this.lastPrune = now;
    this.windows.prune(now);
    this.store.prune(now - this.retentionMs, now - MINUTE_RETENTION_MS, now - HOUR_RETENTION_MS);
    // Top lists cover what the ledger keeps: a session or user with no call since is forgotten.
    this.sessions.forgetBefore(now - this.retentionMs);
    this.users.forgetBefore(now - this.retentionMs);
    for (const t of this.trackers) {
      const cut = t.prune(now);
      this.store.pruneBudget(t.config.name, 'd', cut.dayBefore);
      this.store.pruneBudget(t.config.name, 'm', cut.minuteBefore);
    }
  }

  private safeStatuses() {
    try {
      return this.closed ? [] : this.budgets.status();
    } catch (err) {
      this.reportOnce('metrics', err);
      return [];
    }
  }

  private reportOnce(kind: string, err: unknown): void {
    if (this.reported.has(kind)) return;
    this.reported.add(kind);
    this.logger.error(`${kind} failed (reported once; see stats()): ${err instanceof Error ? err.message : String(err)}`);
  }
}
