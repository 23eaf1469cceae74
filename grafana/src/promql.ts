// PromQL fragments shared by the dashboards and checked by the tests.
import { L } from './names.js';

/** Label matchers of the overview's template variables (multi-value, "All" = `.*`). */
export const VARIABLE_MATCHERS = [
  `${L.service}=~"$service"`,
  `${L.provider}=~"$provider"`,
  `${L.requestModel}=~"$model"`,
];

/** `metric{<variable matchers>, <extra>}`. */
export function selector(metric: string, ...extra: string[]): string {
  return `${metric}{${[...VARIABLE_MATCHERS, ...extra].join(', ')}}`;
}

/** `metric{<extra>}` without the overview's variables (budgets dashboard, rules). */
export function plain(metric: string, ...extra: string[]): string {
  return extra.length === 0 ? metric : `${metric}{${extra.join(', ')}}`;
}

function by(labels: readonly string[]): string {
  return labels.length === 0 ? 'sum' : `sum by (${labels.join(', ')})`;
}

/** Per-second rate of a counter, summed over the labels given. */
export function sumRate(sel: string, labels: readonly string[] = [], window = '$__rate_interval'): string {
  return `${by(labels)} (rate(${sel}[${window}]))`;
}

/**
 * How much a counter grew over `window`, summed over `labels`, counting series that were
 * born inside the window in full. OpenTelemetry creates a series on its first `add`, so the
 * first value a scrape sees (often the whole story for rare events: an unpriced model, a
 * budget alert) is invisible to a plain `increase()`. Series that existed at the window's
 * start use `increase()`; the others contribute their current value. "Existed" means a
 * sample within the 5-minute lookback before the window's start: a series with a longer
 * scrape gap there is counted in full, and one born in the window and reset in it counts
 * only since the reset.
 */
export function sumIncrease(sel: string, labels: readonly string[] = [], window = '$__range'): string {
  const existing = `(increase(${sel}[${window}]) and ${sel} offset ${window})`;
  const born = `(${sel} unless ${sel} offset ${window})`;
  return `${by(labels)} (${existing} or ${born})`;
}

/** The regular expression that matches a `sumIncrease` "born in the window" term. */
export const BORN_IN_WINDOW = /\((\w+(?:\{[^}]*\})?) unless (\w+(?:\{[^}]*\})?) offset (\$__range|\d+[smhdwy])\)/g;
