// Daily cost split by model or provider (the usage page's stacked chart): the day buckets of the
// windows, grouped by the label of each series; the costliest keys each get a series, the rest
// are added up into one "other" series. Days are local days of the store's timezone.
import { dayNumberToDate, localDayNumber } from './timezone.js';
import { parseSeriesKey } from './windows.js';
import type { TimeWindows } from './windows.js';

export type DailyByDimension = 'model' | 'provider';

export interface DailyBySeries {
  /** Model or provider name; for the `other` series, a description of what it holds. */
  key: string;
  /** true for the series adding up the keys past `top`. */
  other: boolean;
  /** Cost per day (USD), one value per entry of `dates`; unpriced calls add nothing to it. */
  costUsd: number[];
  /** Calls over all the days shown. */
  calls: number;
  /** Of those, calls with no price: when it equals `calls`, the series' cost is unknown, not $0. */
  unpricedCalls: number;
}

export interface DailyByView {
  dimension: DailyByDimension;
  timezone: string;
  /** Local dates (YYYY-MM-DD), oldest first, ending today. */
  dates: string[];
  /** Costliest first; at most `top` + 1 (other). */
  series: DailyBySeries[];
}

export interface DailyBySources {
  windows: TimeWindows;
  timezone: string;
  clock: () => number;
}

const PICK: Record<DailyByDimension, (series: string) => string> = {
  model: (s) => {
    const l = parseSeriesKey(s);
    return l.responseModel || l.requestModel;
  },
  provider: (s) => parseSeriesKey(s).provider,
};

/** days: 1..3660; top: 1..50 (validated by the caller). */
export function dailyBy(src: DailyBySources, dimension: DailyByDimension, days: number, top: number): DailyByView {
  const today = localDayNumber(src.clock(), src.timezone);
  const first = today - days + 1;
  const pick = PICK[dimension];
  const keyOf = new Map<string, string>();
  const perKey = new Map<string, { costUsd: number[]; calls: number; pricedCalls: number }>();
  // Bucket then series order (windows.range): the same order daily() sums in.
  for (const b of src.windows.range('d', first, today + 1)) {
    let key = keyOf.get(b.series);
    if (key === undefined) {
      key = pick(b.series);
      keyOf.set(b.series, key);
    }
    let values = perKey.get(key);
    if (values === undefined) {
      values = { costUsd: new Array<number>(days).fill(0), calls: 0, pricedCalls: 0 };
      perKey.set(key, values);
    }
    values.costUsd[b.bucket - first]! += b.costUsd;
    values.calls += b.calls;
    values.pricedCalls += b.pricedCalls;
  }
  const total = (v: number[]): number => v.reduce((s, x) => s + x, 0);
  const ranked = [...perKey].map(([key, v]) => ({ key, ...v, sum: total(v.costUsd) }));
  ranked.sort((a, b) => b.sum - a.sum || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const series: DailyBySeries[] = ranked.slice(0, top).map((r) => ({ key: r.key, other: false, costUsd: r.costUsd, calls: r.calls, unpricedCalls: r.calls - r.pricedCalls }));
  const rest = ranked.slice(top);
  if (rest.length > 0) {
    const costUsd = new Array<number>(days).fill(0);
    let calls = 0;
    let pricedCalls = 0;
    for (const r of rest) {
      for (let i = 0; i < days; i++) costUsd[i]! += r.costUsd[i]!;
      calls += r.calls;
      pricedCalls += r.pricedCalls;
    }
    series.push({ key: `${rest.length} other ${dimension === 'model' ? 'models' : 'providers'}`, other: true, costUsd, calls, unpricedCalls: calls - pricedCalls });
  }
  const dates: string[] = [];
  for (let d = first; d <= today; d++) dates.push(dayNumberToDate(d));
  return { dimension, timezone: src.timezone, dates, series };
}
