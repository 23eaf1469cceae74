// Period-end spend projection: spend to date + expected spend for the rest of the period.
// Two methods for the expected daily spend:
//  - 'sma7': the original module's simple moving average of the last 7 days (flat);
//  - 'holt-winters': exponentially smoothed level with day-of-week seasonal factors
//    (multiplicative Holt-Winters without trend), which follows weekly cycles and adapts to
//    step changes within days. The default.
import { weekdayOf } from './timezone.js';

export type ForecastMethod = 'sma7' | 'holt-winters';
export const FORECAST_METHODS: readonly ForecastMethod[] = ['sma7', 'holt-winters'];
export const DEFAULT_FORECAST_METHOD: ForecastMethod = 'holt-winters';

/** Smoothing of the level and of the weekday factors. */
const ALPHA = 0.35;
const GAMMA = 0.25;
const MIN_FACTOR = 1e-3;

/** Spend of consecutive complete days, oldest first; values[0] is day `firstDay`. */
export interface DailyHistory {
  firstDay: number;
  values: readonly number[];
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length > 0 ? s / xs.length : 0;
}

function holtWintersModel(h: DailyHistory): { level: number; factors: number[] } {
  const v = h.values;
  const initDays = v.length >= 14 ? 14 : v.length >= 7 ? 7 : 0;
  const factors = [1, 1, 1, 1, 1, 1, 1];
  let level = mean(initDays > 0 ? v.slice(0, initDays) : v);
  if (initDays > 0 && level > 0) {
    const sums = [0, 0, 0, 0, 0, 0, 0];
    const counts = [0, 0, 0, 0, 0, 0, 0];
    for (let i = 0; i < initDays; i++) {
      const w = weekdayOf(h.firstDay + i);
      sums[w] = (sums[w] as number) + (v[i] as number);
      counts[w] = (counts[w] as number) + 1;
    }
    for (let w = 0; w < 7; w++) factors[w] = (sums[w] as number) / (counts[w] as number) / level;
  }
  for (let i = 0; i < v.length; i++) {
    const w = weekdayOf(h.firstDay + i);
    const y = v[i] as number;
    const f = factors[w] as number;
    if (f > MIN_FACTOR) level = ALPHA * (y / f) + (1 - ALPHA) * level;
    if (level > 0) factors[w] = GAMMA * (y / level) + (1 - GAMMA) * f;
  }
  return { level, factors };
}

/** Expected spend of each of `count` days starting at `fromDay`. */
export function predictDays(method: ForecastMethod, history: DailyHistory, fromDay: number, count: number): number[] {
  const out: number[] = [];
  if (method === 'sma7') {
    const rate = mean(history.values.slice(-7));
    for (let i = 0; i < count; i++) out.push(rate);
    return out;
  }
  const { level, factors } = holtWintersModel(history);
  for (let i = 0; i < count; i++) out.push(level * (factors[weekdayOf(fromDay + i)] as number));
  return out;
}

export interface ProjectionInput {
  method: ForecastMethod;
  /** Complete days before today (may be empty). */
  history: DailyHistory;
  /** Today's local day number. */
  today: number;
  /** Spend so far today. */
  todaySpent: number;
  /** Elapsed fraction of today, in [0, 1). */
  todayElapsed: number;
  /** Spend so far in the period (today included). */
  spentToDate: number;
  /** First day after the period. */
  endDay: number;
}

/** Projected spend at the end of the period. Never below the spend to date. */
export function projectPeriodEnd(p: ProjectionInput): number {
  const remainingDays = Math.max(0, p.endDay - p.today - 1);
  let todayRate: number;
  let future: number[];
  if (p.history.values.length === 0) {
    // No complete day yet: extrapolate today's rate (nothing when too little of the day has passed).
    todayRate = p.todayElapsed >= 1 / 24 ? p.todaySpent / p.todayElapsed : p.todaySpent;
    future = new Array<number>(remainingDays).fill(todayRate);
  } else {
    const pred = predictDays(p.method, p.history, p.today, remainingDays + 1);
    todayRate = pred[0] as number;
    future = pred.slice(1);
  }
  let total = p.spentToDate + Math.max(0, todayRate * (1 - p.todayElapsed));
  for (const x of future) total += x;
  return total;
}
