// One budget's share of the fleet: the spend this replica owes the shared store (per period,
// or per time bucket of a rolling budget), the batch in flight, and the fleet total last read.
// spent() = fleet total + what is owed or in flight: it never waits on the network.
import { createHash } from 'node:crypto';
import type { ParsedPeriod, PeriodWindow } from '../analytics/periods.js';
import { dayNumberToDate } from '../analytics/timezone.js';
import type { EventClaim, SpendIncrement, SpendRead } from './redis-budget-store.js';

const MINUTE_MS = 60_000;
/** A calendar period's counter is kept this long after the period ends (late pushes, reading last period). */
export const PERIOD_GRACE_MS = 86_400_000;
/** Rolling windows are summed from at most about this many buckets. */
const ROLLING_BUCKETS = 1440;
const MICROS_PER_USD = 1_000_000;

export interface SharedSpendIdentity {
  name: string;
  /** Changes when period, timezone or match change: replicas configured differently never mix spend. */
  fingerprint: string;
  parsed: ParsedPeriod;
  window: (nowMs: number) => PeriodWindow;
  keyPrefix: string;
}

interface InFlight {
  slot: number;
  micros: number;
}

export class SharedBudgetSpend {
  readonly name: string;
  private readonly base: string;
  private readonly rollingMs: number;
  /** Bucket width of a rolling budget (0 for calendar periods). */
  private readonly bucketMs: number;
  /** USD not yet sent, by slot: a calendar period's start, or a rolling bucket's start. */
  private readonly owed = new Map<number, number>();
  private inFlight: InFlight[] = [];
  private fleetMicros = 0;
  /** The slot the fleet total was read for (calendar), or the rolling window's first bucket. */
  private fleetSlot = Number.NaN;
  // The calendar period of the last call seen (calls cluster in the current period), and the
  // one containing the last `now` asked about: windows cost Intl calls, checks must not.
  private curStart = 0;
  private curEnd = 0;
  private nowWindow: PeriodWindow = { start: 0, end: 0, firstDay: 0, endDay: 0, key: '' };

  constructor(private readonly id: SharedSpendIdentity) {
    this.name = id.name;
    const fp = createHash('sha256').update(id.fingerprint).digest('hex').slice(0, 8);
    this.base = `${id.keyPrefix}budget:${id.name}:${fp}`;
    this.rollingMs = id.parsed.kind === 'rolling' ? id.parsed.ms : 0;
    this.bucketMs = id.parsed.kind === 'rolling' ? Math.max(1, Math.ceil(id.parsed.ms / ROLLING_BUCKETS / MINUTE_MS)) * MINUTE_MS : 0;
  }

  /** Hot path: one priced call's cost at its end time. */
  add(ts: number, usd: number): void {
    let slot: number;
    if (this.bucketMs > 0) slot = ts - (ts % this.bucketMs);
    else if (ts >= this.curStart && ts < this.curEnd) slot = this.curStart;
    else {
      const w = this.id.window(ts);
      this.curStart = w.start;
      this.curEnd = w.end;
      slot = w.start;
    }
    this.owed.set(slot, (this.owed.get(slot) ?? 0) + usd);
  }

  /** Fleet spend in the period containing `nowMs`, as far as this replica knows. */
  spent(nowMs: number): number {
    if (this.bucketMs === 0) {
      const slot = this.windowAt(nowMs).start;
      let micros = slot === this.fleetSlot ? this.fleetMicros : 0;
      for (const f of this.inFlight) if (f.slot === slot) micros += f.micros;
      return micros / MICROS_PER_USD + (this.owed.get(slot) ?? 0);
    }
    const from = this.firstBucket(nowMs);
    let micros = this.fleetMicros;
    for (const f of this.inFlight) if (f.slot >= from) micros += f.micros;
    let usd = 0;
    for (const [slot, v] of this.owed) if (slot >= from) usd += v;
    return micros / MICROS_PER_USD + usd;
  }

  /** Spend owed and not yet acknowledged by the store (USD), whatever its period. */
  unpushedUsd(): number {
    let usd = 0;
    for (const v of this.owed.values()) usd += v;
    for (const f of this.inFlight) usd += f.micros / MICROS_PER_USD;
    return usd;
  }

  /**
   * Moves whole micro-dollars owed into the in-flight batch (the remainder stays owed, so no
   * fraction is lost). Returns the increments to send.
   */
  takeBatch(nowMs: number): SpendIncrement[] {
    const out: SpendIncrement[] = [];
    for (const [slot, usd] of this.owed) {
      const micros = Math.round(usd * MICROS_PER_USD);
      const rest = usd - micros / MICROS_PER_USD;
      // A sub-micro-dollar remainder of a period that is over is dropped (it can no longer matter).
      if (Math.abs(rest) < 1e-12 || (micros === 0 && !this.isCurrent(slot, nowMs))) this.owed.delete(slot);
      else this.owed.set(slot, rest);
      if (micros === 0) continue;
      this.inFlight.push({ slot, micros });
      out.push(this.increment(slot, micros, nowMs));
    }
    return out;
  }

  /** Increments of the batch in flight, rebuilt for a retry (same amounts, fresh TTLs). */
  retryBatch(nowMs: number): SpendIncrement[] {
    return this.inFlight.map((f) => this.increment(f.slot, f.micros, nowMs));
  }

  /** The store applied (or had already applied) the batch in flight. */
  acknowledge(): void {
    this.inFlight = [];
  }

  /** The fleet total to read this sync. */
  read(nowMs: number): SpendRead {
    if (this.bucketMs === 0) return { key: this.periodKey(this.windowAt(nowMs)), fromField: '' };
    return { key: `${this.base}:rolling`, fromField: String(this.firstBucket(nowMs)) };
  }

  /** Stores the fleet total read by `read(nowMs)` (it includes the batch just acknowledged). */
  setFleet(nowMs: number, micros: number): void {
    this.fleetMicros = micros;
    this.fleetSlot = this.bucketMs === 0 ? this.windowAt(nowMs).start : this.firstBucket(nowMs);
  }

  /** The key that makes an event fire once per fleet, period, level and threshold. */
  claim(nowMs: number, periodKey: string, level: string, threshold: number): EventClaim {
    if (this.bucketMs > 0) return { key: `${this.base}:event:rolling:${level}:${threshold}`, ttlMs: this.rollingMs };
    const w = this.windowAt(nowMs);
    return { key: `${this.base}:event:${periodKey}:${level}:${threshold}`, ttlMs: w.end + PERIOD_GRACE_MS - nowMs };
  }

  private increment(slot: number, micros: number, nowMs: number): SpendIncrement {
    if (this.bucketMs > 0) {
      return { key: `${this.base}:rolling`, field: String(slot), micros, ttlMs: this.rollingMs + 2 * this.bucketMs };
    }
    const w = this.id.window(slot);
    return { key: this.periodKey(w), field: '', micros, ttlMs: w.end + PERIOD_GRACE_MS - nowMs };
  }

  /** e.g. `otel-llm-cost:budget:monthly:1a2b3c4d:month:2026-03-01`. */
  private periodKey(w: PeriodWindow): string {
    const unit = this.id.parsed.kind === 'calendar' ? this.id.parsed.unit : 'rolling';
    return `${this.base}:${unit}:${dayNumberToDate(w.firstDay)}`;
  }

  private isCurrent(slot: number, nowMs: number): boolean {
    return this.bucketMs > 0 ? slot >= this.firstBucket(nowMs) : this.windowAt(nowMs).start === slot;
  }

  /** The calendar period containing `nowMs` (cached while `nowMs` stays in it). */
  private windowAt(nowMs: number): PeriodWindow {
    const w = this.nowWindow;
    if (nowMs >= w.start && nowMs < w.end) return w;
    this.nowWindow = this.id.window(nowMs);
    return this.nowWindow;
  }

  private firstBucket(nowMs: number): number {
    const from = nowMs - this.rollingMs;
    return from - (from % this.bucketMs);
  }
}
