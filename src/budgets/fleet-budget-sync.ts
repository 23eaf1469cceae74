// Keeps this replica's budgets in step with the fleet: every budgetSyncMs, one round trip
// pushes the spend owed (as one numbered batch, applied at most once), reads the fleet totals
// and claims the events crossed since. The app never waits on it: check() reads what the last
// sync brought plus what is owed. While Redis is away the same batch is retried and new spend
// keeps accumulating locally; one diag line marks the outage, one its end.
import { randomBytes } from 'node:crypto';
import { diag } from '@opentelemetry/api';
import type { Meter } from '@opentelemetry/api';
import type { BudgetEvent } from '../analytics/budget-tracker.js';
import { registerBudgetStoreMetrics } from '../metrics/budget-store-metrics.js';
import type { BudgetStoreState } from '../metrics/budget-store-metrics.js';
import { RedisBudgetStore } from './redis-budget-store.js';
import type { EventClaim, SpendIncrement } from './redis-budget-store.js';
import type { SharedBudgetSpend } from './shared-spend.js';

/** How long Redis remembers a replica's last batch number (a lost reply is retried well within it). */
export const SEQ_TTL_MS = 7 * 86_400_000;
/** Claims waiting for Redis; beyond this the oldest are dropped (their events stay unfired). */
const MAX_PENDING_CLAIMS = 1000;

export interface FleetBudgetOptions {
  url: string;
  keyPrefix: string;
  syncMs: number;
  unavailable: 'allow' | 'block';
  clock: () => number;
  meter: Meter;
  /** Called when a claim resolves: `won` means this replica fires the event for the fleet. */
  onClaim: (event: BudgetEvent, won: boolean) => void;
}

interface PendingClaim {
  event: BudgetEvent;
  claim: EventClaim;
}

export class FleetBudgetSync {
  /** Random per process start: a restarted replica never reuses a batch number. */
  readonly replicaId = randomBytes(8).toString('hex');
  private readonly logger = diag.createComponentLogger({ namespace: 'otel-llm-cost/budget-store' });
  private readonly seqKey: string;
  private readonly opening: Promise<void>;
  private store: RedisBudgetStore | undefined;
  private state: BudgetStoreState = 'connecting';
  private lastOkMs: number;
  private downSinceMs = 0;
  private lastError: Error | undefined;
  private seq = 0;
  /** A numbered batch was sent and not acknowledged: it is retried as is before anything new. */
  private batchInFlight = false;
  private running: Promise<void> | undefined;
  private claims: PendingClaim[] = [];
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly spends: readonly SharedBudgetSpend[], private readonly options: FleetBudgetOptions) {
    this.seqKey = `${options.keyPrefix}replica:${this.replicaId}:seq`;
    this.lastOkMs = options.clock();
    this.opening = RedisBudgetStore.open({ url: options.url, commandTimeoutMs: Math.max(1000, 2 * options.syncMs) }, (err) => {
      this.lastError = err;
    }).then(
      (store) => {
        this.store = store;
      },
      (err: unknown) => this.markDown(err),
    );
    registerBudgetStoreMetrics(options.meter, () => ({
      state: this.state,
      stalenessSeconds: Math.max(0, this.options.clock() - this.lastOkMs) / 1000,
      unpushedUsd: this.spends.reduce((sum, s) => sum + s.unpushedUsd(), 0),
    }));
    this.timer = setInterval(() => void this.sync(), options.syncMs);
    this.timer.unref();
    void this.sync();
  }

  /** 'connecting' until the first answer, then 'up' or 'down'. */
  get storeState(): BudgetStoreState {
    return this.state;
  }

  /** With budgetStoreUnavailable: 'block', why block budgets refuse now; undefined when they decide on spend. */
  refusal(): string | undefined {
    if (this.options.unavailable !== 'block' || this.state === 'up') return undefined;
    return this.state === 'connecting'
      ? 'the shared budget store has not answered yet (budgetStoreUnavailable: block)'
      : `the shared budget store is unreachable since ${new Date(this.downSinceMs).toISOString()} (budgetStoreUnavailable: block)`;
  }

  /** Queues an event crossed in this replica; it fires here only if this replica claims it first. */
  claim(spend: SharedBudgetSpend, event: BudgetEvent): void {
    if (this.claims.length >= MAX_PENDING_CLAIMS) this.claims.shift();
    this.claims.push({ event, claim: spend.claim(event.timeMs, event.periodKey, event.level, event.threshold) });
  }

  /** One sync now (or the one already running). Never rejects: failures show in the state. */
  sync(): Promise<void> {
    if (this.running === undefined) {
      this.running = this.syncOnce().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /** Pushes everything owed so far (two syncs when a retried batch goes first). */
  async flush(): Promise<void> {
    await this.sync();
    // A store that is away costs one command timeout here, not one per sync.
    if (this.state !== 'up') return;
    if (this.spends.some((s) => s.unpushedUsd() !== 0)) await this.sync();
    if (this.state === 'up') await this.sync();
  }

  /** Final push, then disconnects. A store that is away does not hold shutdown longer than one command timeout. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    await this.flush();
    this.closed = true;
    await this.store?.close();
  }

  private async syncOnce(): Promise<void> {
    await this.opening;
    const store = this.store;
    if (store === undefined || this.closed) return;
    try {
      await store.connected();
      const now = this.options.clock();
      let increments: SpendIncrement[];
      if (this.batchInFlight) {
        increments = this.spends.flatMap((s) => s.retryBatch(now));
      } else {
        increments = this.spends.flatMap((s) => s.takeBatch(now));
        if (increments.length > 0) {
          this.seq++;
          this.batchInFlight = true;
        }
      }
      const claims = this.claims;
      this.claims = [];
      let reply;
      try {
        reply = await store.sync({
          seqKey: this.seqKey,
          seq: this.seq,
          seqTtlMs: SEQ_TTL_MS,
          increments,
          reads: this.spends.map((s) => s.read(now)),
          claims: claims.map((c) => c.claim),
          replicaId: this.replicaId,
        });
      } catch (err) {
        this.claims = claims.concat(this.claims);
        throw err;
      }
      this.batchInFlight = false;
      this.spends.forEach((s, i) => {
        s.acknowledge();
        s.setFleet(now, reply.totals[i] ?? 0);
      });
      this.lastOkMs = now;
      this.markUp(now);
      claims.forEach((c, i) => this.options.onClaim(c.event, reply.won[i] === true));
    } catch (err) {
      this.markDown(err);
    }
  }

  private markUp(now: number): void {
    if (this.state === 'down') {
      this.logger.info(`shared budget store reachable again after ${((now - this.downSinceMs) / 1000).toFixed(1)} s; the spend owed is pushed`);
    }
    this.state = 'up';
  }

  private markDown(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const cause = this.lastError !== undefined && this.lastError.message !== message ? ` (${this.lastError.message})` : '';
    this.lastError = undefined;
    if (this.state === 'down' || this.closed) return;
    this.state = 'down';
    this.downSinceMs = this.options.clock();
    const check = this.options.unavailable === 'block' ? 'check() refuses block budgets' : 'check() decides on the last fleet total plus local spend';
    this.logger.warn(`shared budget store unreachable: ${message}${cause}; budgets count locally and push what they owe when it returns; ${check}`);
  }
}
