// Replays a daily spend series and scores each forecast method by the MAPE of its month-end
// projection taken at the start of every day. Used by the tests and the benchmark.
import { nextMonthStartDay, monthStartDay } from '../../src/analytics/timezone.js';
import { FORECAST_METHODS, projectPeriodEnd } from '../../src/analytics/forecast.js';
import type { ForecastMethod } from '../../src/analytics/forecast.js';

export interface MethodScore {
  method: ForecastMethod;
  /** Mean absolute percentage error of the month-end projection, in percent. */
  mapePercent: number;
  /** Number of daily projections scored. */
  points: number;
}

/**
 * Scores each method on `values` (daily spend from `firstDay`). A projection is scored only when
 * its month is complete in the data and at least `warmupDays` of history precede it.
 */
export function scoreForecasts(firstDay: number, values: readonly number[], warmupDays = 7): MethodScore[] {
  return FORECAST_METHODS.map((method) => {
    let sum = 0;
    let points = 0;
    for (let i = warmupDays; i < values.length; i++) {
      const today = firstDay + i;
      const monthStart = monthStartDay(today);
      const endDay = nextMonthStartDay(today);
      if (monthStart < firstDay || endDay > firstDay + values.length) continue;
      let spentToDate = 0;
      for (let d = monthStart; d < today; d++) spentToDate += values[d - firstDay] as number;
      let actual = 0;
      for (let d = monthStart; d < endDay; d++) actual += values[d - firstDay] as number;
      if (actual <= 0) continue;
      const projected = projectPeriodEnd({
        method,
        history: { firstDay, values: values.slice(0, i) },
        today,
        todaySpent: 0,
        todayElapsed: 0,
        spentToDate,
        endDay,
      });
      sum += Math.abs(projected - actual) / actual;
      points++;
    }
    return { method, mapePercent: points > 0 ? (sum / points) * 100 : Number.NaN, points };
  });
}

/** Deterministic PRNG (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Synthetic daily spend: weekday/weekend seasonality (weekends at 30%), +-20% uniform noise,
 * and a step change (x1.8) from day `stepDay`. Base $100 per weekday.
 */
export function syntheticWorkload(firstDay: number, days = 60, seed = 42, stepDay = 35): number[] {
  const rand = mulberry32(seed);
  const out: number[] = [];
  for (let i = 0; i < days; i++) {
    const weekday = (((firstDay + i + 4) % 7) + 7) % 7;
    const season = weekday === 0 || weekday === 6 ? 0.3 : 1;
    const step = i >= stepDay ? 1.8 : 1;
    const noise = 1 + (rand() * 2 - 1) * 0.2;
    out.push(100 * season * step * noise);
  }
  return out;
}
