// Spend of one budget: per local day (calendar periods, forecasts) and per minute (rolling
// periods), current-period spend, period-end forecast and once-per-period threshold events.
import { calendarWindow, parsePeriod, rollingWindow } from './periods.js';
import type { ParsedPeriod, PeriodWindow } from './periods.js';
import { DayCalendar } from './timezone.js';
import { projectPeriodEnd, predictDays } from './forecast.js';
import type { DailyHistory, ForecastMethod } from './forecast.js';
import { compileCallMatch, compileMatch } from './call-attributes.js';
import type { AttributeReader } from './call-attributes.js';
import type { BudgetConfig } from './budget-config.js';
import type { BudgetSpendRow } from '../store/rows.js';
import type { BudgetLevel } from '../semconv.js';
import type { LlmCall } from '../types.js';
import type { SharedBudgetSpend } from '../budgets/shared-spend.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Days of daily spend kept for forecasts. */
export const HISTORY_DAYS = 56;

/** A threshold crossed; reported once per period, level and threshold. */
export interface BudgetEvent {
  budget: string;
  period: string;
  /** Identifies the period, e.g. 'month:20454' (a day number) or 'rolling'. */
  periodKey: string;
  level: BudgetLevel;
  /** Fraction of the limit that was crossed (1 for exceeded and forecast). */
  threshold: number;
  spentUsd: number;
  limitUsd: number;
  forecastUsd: number;
  timeMs: number;
}

/** Status of one budget, as budgets() and the metrics report it. */
export interface BudgetStatus {
  name: string;
  period: string;
  timezone: string;
  action: 'alert' | 'block';
  match: Record<string, string>;
  limitUsd: number;
  /**
   * 'fleet': spentUsd and forecastUsd are the whole fleet's (shared budget store: the last fleet
   * total read plus this replica's spend since); 'replica': this process's own spend.
   */
  scope: 'fleet' | 'replica';
  /** Spend in the current period (of the fleet or of this replica: see scope). */
  spentUsd: number;
  remainingUsd: number;
  /** spent / limit. */
  usedFraction: number;
  periodStartMs: number;
  /** End of the period (for rolling periods: now, the window's end). */
  periodEndMs: number;
  forecastUsd: number;
  forecastMethod: ForecastMethod;
  exceeded: boolean;
  /** Fractions of the limit that raise a warning (BudgetConfig.warnAt). */
  warnAt: number[];
}

export class BudgetTracker {
  readonly config: Required<Pick<BudgetConfig, 'name' | 'limitUsd' | 'period' | 'timezone' | 'warnAt' | 'action'>> & { match: Record<string, string> };
  readonly parsed: ParsedPeriod;
  readonly calendar: DayCalendar;
  readonly matches: (read: AttributeReader) => boolean;
  /** Same as matches(), specialized for a call (hot path). */
  readonly matchesCall: (call: LlmCall) => boolean;
  private readonly days = new Map<number, number>();
  private readonly minutes = new Map<number, number>();
  private readonly dirtyDays = new Set<number>();
  private readonly dirtyMinutes = new Set<number>();
  private readonly fired = new Set<string>();
  /** Set when a shared budget store makes this budget fleet-wide. */
  shared: SharedBudgetSpend | undefined;

  constructor(config: BudgetConfig, defaultTimezone: string) {
    this.config = {
      name: config.name,
      limitUsd: config.limitUsd,
      period: config.period,
      timezone: config.timezone ?? defaultTimezone,
      warnAt: config.warnAt ?? [0.8],
      action: config.action ?? 'alert',
      match: { ...(config.match ?? {}) },
    };
    const parsed = parsePeriod(config.period);
    if (parsed === undefined) throw new Error(`budget ${config.name}: unsupported period ${config.period}`);
    this.parsed = parsed;
    this.calendar = new DayCalendar(this.config.timezone);
    this.matches = compileMatch(config.match);
    this.matchesCall = compileCallMatch(config.match);
  }

  /** Stable description of what the stored spend means; a change triggers a rebuild. */
  fingerprint(): string {
    return JSON.stringify({ period: this.config.period, timezone: this.config.timezone, match: this.config.match });
  }

  add(ts: number, costUsd: number): void {
    const day = this.calendar.dayNumber(ts);
    const d = (this.days.get(day) ?? 0) + costUsd;
    this.days.set(day, d);
    this.dirtyDays.add(day);
    if (this.parsed.kind === 'rolling') {
      const minute = ts - (ts % MINUTE_MS);
      this.minutes.set(minute, (this.minutes.get(minute) ?? 0) + costUsd);
      this.dirtyMinutes.add(minute);
    }
    this.shared?.add(ts, costUsd);
  }

  restore(rows: readonly BudgetSpendRow[]): void {
    for (const r of rows) (r.res === 'd' ? this.days : this.minutes).set(r.bucket, r.spent);
  }

  restoreFired(periodKey: string, level: string, threshold: number): void {
    this.fired.add(`${periodKey}|${level}|${threshold}`);
  }

  clear(): void {
    this.days.clear();
    this.minutes.clear();
    this.dirtyDays.clear();
    this.dirtyMinutes.clear();
  }

  /** Every bucket, for a full rewrite after a rebuild. */
  allRows(): BudgetSpendRow[] {
    const rows: BudgetSpendRow[] = [];
    for (const [bucket, spent] of this.days) rows.push({ budget: this.config.name, res: 'd', bucket, spent });
    for (const [bucket, spent] of this.minutes) rows.push({ budget: this.config.name, res: 'm', bucket, spent });
    return rows;
  }

  /** Buckets changed since the last call, with their current totals. */
  takeDirty(): BudgetSpendRow[] {
    const name = this.config.name;
    const rows: BudgetSpendRow[] = [];
    for (const bucket of this.dirtyDays) {
      const spent = this.days.get(bucket);
      if (spent !== undefined) rows.push({ budget: name, res: 'd', bucket, spent });
    }
    for (const bucket of this.dirtyMinutes) {
      const spent = this.minutes.get(bucket);
      if (spent !== undefined) rows.push({ budget: name, res: 'm', bucket, spent });
    }
    this.dirtyDays.clear();
    this.dirtyMinutes.clear();
    return rows;
  }

  /** Re-marks buckets after a failed write. */
  returnDirty(rows: readonly BudgetSpendRow[]): void {
    for (const r of rows) (r.res === 'd' ? this.dirtyDays : this.dirtyMinutes).add(r.bucket);
  }

  /** Drops buckets no longer needed; returns the cut-offs (for the store). */
  prune(nowMs: number): { dayBefore: number; minuteBefore: number } {
    const dayBefore = this.calendar.dayNumber(nowMs) - HISTORY_DAYS - 7;
    for (const k of this.days.keys()) if (k < dayBefore) this.days.delete(k);
    const minuteBefore = this.parsed.kind === 'rolling' ? nowMs - this.parsed.ms - MINUTE_MS : Number.POSITIVE_INFINITY;
    for (const k of this.minutes.keys()) if (k < minuteBefore) this.minutes.delete(k);
    return { dayBefore, minuteBefore: Number.isFinite(minuteBefore) ? minuteBefore : 0 };
  }

  window(nowMs: number): PeriodWindow {
    return this.parsed.kind === 'calendar'
      ? calendarWindow(this.parsed.unit, this.calendar, nowMs)
      : rollingWindow(this.parsed.ms, this.calendar, nowMs);
  }

  /** Spend in the current period that check() and events decide on: the fleet's when shared, else this replica's. */
  spent(nowMs: number, w?: PeriodWindow): number {
    return this.shared === undefined ? this.localSpent(nowMs, w) : this.shared.spent(nowMs);
  }

  /** This replica's spend in the current period: calendar = its local days; rolling = minute buckets in the window. */
  localSpent(nowMs: number, w: PeriodWindow = this.window(nowMs)): number {
    let total = 0;
    if (this.parsed.kind === 'calendar') {
      for (let d = w.firstDay; d < w.endDay; d++) total += this.days.get(d) ?? 0;
      return total;
    }
    const from = w.start - (w.start % MINUTE_MS);
    for (const [minute, spent] of this.minutes) if (minute >= from && minute <= nowMs) total += spent;
    return total;
  }

  /**
   * This replica's spend per local day of the current calendar period, from its first day to
   * today (the usage page draws it as spend to date); undefined for rolling periods.
   */
  periodDays(nowMs: number): { firstDay: number; spentUsd: number[] } | undefined {
    if (this.parsed.kind === 'rolling') return undefined;
    const w = this.window(nowMs);
    const today = this.calendar.dayNumber(nowMs);
    const spentUsd: number[] = [];
    for (let d = w.firstDay; d <= today; d++) spentUsd.push(this.days.get(d) ?? 0);
    return { firstDay: w.firstDay, spentUsd };
  }

  /** Complete days before `today`, from the first day with spend (at most HISTORY_DAYS). */
  history(today: number): DailyHistory {
    let first = today;
    for (const d of this.days.keys()) if (d < first) first = d;
    first = Math.max(first, today - HISTORY_DAYS);
    const values: number[] = [];
    for (let d = first; d < today; d++) values.push(this.days.get(d) ?? 0);
    return { firstDay: first, values };
  }

  /** This replica's projected spend (from its own daily history). */
  forecast(nowMs: number, method: ForecastMethod, w: PeriodWindow = this.window(nowMs), spent = this.localSpent(nowMs, w)): number {
    const today = this.calendar.dayOf(nowMs);
    const history = this.history(today.day);
    if (this.parsed.kind === 'rolling') {
      // Expected spend over the next full window.
      if (history.values.length === 0) return spent;
      const windowDays = this.parsed.ms / DAY_MS;
      const pred = predictDays(method, history, today.day + 1, Math.max(1, Math.ceil(windowDays)));
      return (pred.reduce((a, b) => a + b, 0) / pred.length) * windowDays;
    }
    return projectPeriodEnd({
      method,
      history,
      today: today.day,
      todaySpent: this.days.get(today.day) ?? 0,
      todayElapsed: Math.min(1, Math.max(0, (nowMs - today.start) / (today.end - today.start))),
      spentToDate: spent,
      endDay: w.endDay,
    });
  }

  status(nowMs: number, method: ForecastMethod): BudgetStatus {
    const w = this.window(nowMs);
    const local = this.localSpent(nowMs, w);
    const localForecast = this.forecast(nowMs, method, w, local);
    const spent = this.shared === undefined ? local : this.shared.spent(nowMs);
    // Fleet forecast: this replica's projection scaled by its share of the fleet's spend (the
    // fleet's daily history is not kept in the shared store); the fleet spend when it has none.
    const forecastUsd = this.shared === undefined ? localForecast : local > 0 ? Math.max(spent, (localForecast * spent) / local) : spent;
    const limit = this.config.limitUsd;
    return {
      name: this.config.name,
      scope: this.shared === undefined ? 'replica' : 'fleet',
      period: this.config.period,
      timezone: this.config.timezone,
      action: this.config.action,
      match: { ...this.config.match },
      limitUsd: limit,
      spentUsd: spent,
      remainingUsd: Math.max(0, limit - spent),
      usedFraction: spent / limit,
      periodStartMs: w.start,
      periodEndMs: w.end,
      forecastUsd,
      forecastMethod: method,
      exceeded: spent >= limit,
      warnAt: [...this.config.warnAt],
    };
  }

  /**
   * Threshold events newly crossed at `nowMs`. Calendar periods fire each level once per period;
   * rolling periods re-arm when spend falls back below the threshold (returned in `rearmed`).
   */
  evaluate(nowMs: number, method: ForecastMethod): { events: BudgetEvent[]; rearmed: { periodKey: string; level: string; threshold: number }[] } {
    const s = this.status(nowMs, method);
    const w = this.window(nowMs);
    const events: BudgetEvent[] = [];
    const rearmed: { periodKey: string; level: string; threshold: number }[] = [];
    const limit = this.config.limitUsd;
    const consider = (level: BudgetLevel, threshold: number, crossed: boolean): void => {
      const key = `${w.key}|${level}|${threshold}`;
      if (crossed && !this.fired.has(key)) {
        this.fired.add(key);
        events.push({ budget: s.name, period: s.period, periodKey: w.key, level, threshold, spentUsd: s.spentUsd, limitUsd: limit, forecastUsd: s.forecastUsd, timeMs: nowMs });
      } else if (!crossed && w.key === 'rolling' && this.fired.has(key)) {
        this.fired.delete(key);
        rearmed.push({ periodKey: w.key, level, threshold });
      }
    };
    for (const t of this.config.warnAt) consider('warning', t, s.spentUsd >= t * limit);
    consider('exceeded', 1, s.spentUsd >= limit);
    const hasHistory = this.history(this.calendar.dayNumber(nowMs)).values.length > 0;
    consider('forecast', 1, hasHistory && s.spentUsd < limit && s.forecastUsd >= limit);
    return { events, rearmed };
  }
}
