// Prometheus metric and label names used by the dashboards and the rules, derived from
// the one table in src/semconv.ts so that a renamed instrument cannot silently break a panel.
import * as semconv from '../../src/semconv.js';

/** How an OpenTelemetry instrument is exposed by the Prometheus exporter. */
export type InstrumentKind = 'counter' | 'gauge' | 'histogram';

/**
 * The name @opentelemetry/exporter-prometheus (0.2xx) gives an instrument: every character
 * outside [a-zA-Z0-9_:] becomes `_`, and monotonic counters get `_total`. It adds no unit
 * suffix: `llm.budget.period.end` with unit `s` is exposed as `llm_budget_period_end`.
 * Histograms are exposed as `<name>_bucket`, `<name>_sum` and `<name>_count`.
 */
export function promMetricName(otelName: string, kind: InstrumentKind): string {
  const base = otelName.replace(/[^a-zA-Z0-9_:]/g, '_');
  return kind === 'counter' && !base.endsWith('_total') ? `${base}_total` : base;
}

/** The label an attribute becomes: same rule as metric names, without `_total`. */
export function promLabel(attribute: string): string {
  return attribute.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** What the cache-read tokens of a call would have cost at the input price minus what they did cost. */
export const METRIC_CACHE_SAVINGS = semconv.METRIC_CACHE_SAVINGS;

/** Every instrument the dashboards and rules read, with its kind. */
export const INSTRUMENTS = {
  cost: [semconv.METRIC_COST, 'counter'],
  tokens: [semconv.METRIC_TOKENS, 'counter'],
  requests: [semconv.METRIC_REQUESTS, 'counter'],
  requestCost: [semconv.METRIC_REQUEST_COST, 'histogram'],
  budgetLimit: [semconv.METRIC_BUDGET_LIMIT, 'gauge'],
  budgetSpent: [semconv.METRIC_BUDGET_SPENT, 'gauge'],
  budgetForecast: [semconv.METRIC_BUDGET_FORECAST, 'gauge'],
  budgetPeriodEnd: [semconv.METRIC_BUDGET_PERIOD_END, 'gauge'],
  budgetAlerts: [semconv.METRIC_BUDGET_ALERTS, 'counter'],
  spansInvalid: [semconv.METRIC_SPANS_INVALID, 'counter'],
  spansDropped: [semconv.METRIC_SPANS_DROPPED, 'counter'],
  cacheSavings: [METRIC_CACHE_SAVINGS, 'counter'],
  withoutCacheDetail: [semconv.METRIC_WITHOUT_CACHE_DETAIL, 'counter'],
  storeWriteFailures: [semconv.METRIC_STORE_WRITE_FAILURES, 'counter'],
} as const satisfies Record<string, readonly [string, InstrumentKind]>;

type MetricKey = keyof typeof INSTRUMENTS;

function metricNames(): Record<MetricKey, string> {
  const out = {} as Record<MetricKey, string>;
  for (const key of Object.keys(INSTRUMENTS) as MetricKey[]) {
    const [name, kind] = INSTRUMENTS[key];
    out[key] = promMetricName(name, kind);
  }
  return out;
}

/** Prometheus metric names (histograms without the `_bucket`/`_sum`/`_count` suffix). */
export const M = metricNames();

/** Prometheus label names. */
export const L = {
  service: promLabel(semconv.ATTR_SERVICE_NAME),
  provider: promLabel(semconv.ATTR_PROVIDER),
  requestModel: promLabel(semconv.ATTR_REQUEST_MODEL),
  responseModel: promLabel(semconv.ATTR_RESPONSE_MODEL),
  operation: promLabel(semconv.ATTR_OPERATION),
  tokenType: promLabel(semconv.ATTR_TOKEN_TYPE),
  priced: promLabel(semconv.ATTR_PRICED),
  errorType: promLabel(semconv.ATTR_ERROR_TYPE),
  budgetName: promLabel(semconv.ATTR_BUDGET_NAME),
  budgetPeriod: promLabel(semconv.ATTR_BUDGET_PERIOD),
  budgetLevel: promLabel(semconv.ATTR_BUDGET_LEVEL),
  budgetScope: promLabel(semconv.ATTR_BUDGET_SCOPE),
  overflow: promLabel(semconv.ATTR_OVERFLOW),
  reason: promLabel(semconv.ATTR_REASON),
  instrumentation: promLabel(semconv.ATTR_INSTRUMENTATION),
  /** A configured dimension (`dimensions: ['gen_ai.agent.name']`), absent otherwise. */
  agent: promLabel('gen_ai.agent.name'),
} as const;
