// One table of every name this package emits or reads as a label, shared by the
// code, the dashboards and the Prometheus rules (a contract test checks they agree).

export const METER_NAME = 'otel-llm-cost';

/** OpenTelemetry instrument names (Prometheus adds `_total` / unit suffixes). */
export const METRIC_COST = 'llm.cost.usd';
export const METRIC_TOKENS = 'llm.tokens';
export const METRIC_REQUESTS = 'llm.requests';
export const METRIC_REQUEST_COST = 'llm.request.cost.usd';
/** Cache-read tokens at the input price minus what they cost (what prompt caching saved). */
export const METRIC_CACHE_SAVINGS = 'llm.cost.cache_savings.usd';
export const METRIC_BUDGET_LIMIT = 'llm.budget.limit.usd';
export const METRIC_BUDGET_SPENT = 'llm.budget.spent.usd';
export const METRIC_BUDGET_FORECAST = 'llm.budget.forecast.usd';
// The Prometheus exporter writes OTel names as-is (no unit suffix), so the name carries
// the `_timestamp_seconds` that Prometheus conventions want for an epoch-seconds gauge.
export const METRIC_BUDGET_PERIOD_END = 'llm.budget.period.end.timestamp_seconds';
export const METRIC_BUDGET_ALERTS = 'llm.budget.alerts';
/** The shared budget store (budgetStore option): state (1 on the current one), age of the fleet view, spend not yet pushed. */
export const METRIC_BUDGET_STORE_STATE = 'llm.budget.store.state';
export const METRIC_BUDGET_STORE_STALENESS = 'llm.budget.store.staleness.seconds';
export const METRIC_BUDGET_STORE_UNPUSHED = 'llm.budget.store.unpushed.usd';
/** Standard GenAI client metrics (semconv), emitted when `genAiMetrics` is on. */
export const METRIC_GENAI_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_GENAI_OPERATION_DURATION = 'gen_ai.client.operation.duration';
/**
 * Calls priced without cache detail: their emitter is known to omit cache counts for a provider
 * that caches on its own, so cached prompts were charged at the full input rate (an upper bound).
 */
export const METRIC_WITHOUT_CACHE_DETAIL = 'llm.requests.without_cache_detail';
/** Health of the pipeline itself. */
export const METRIC_SPANS_INVALID = 'llm.cost.spans.invalid';
export const METRIC_SPANS_DROPPED = 'llm.cost.spans.dropped';
/** Writes to the SQLite store that failed (disk full, permissions, I/O), by reason; each is retried. */
export const METRIC_STORE_WRITE_FAILURES = 'llm.cost.store.write_failures';

/** The Prometheus names the metrics above are exposed as. */
export const PROM = {
  cost: 'llm_cost_usd_total',
  tokens: 'llm_tokens_total',
  requests: 'llm_requests_total',
  requestCostBucket: 'llm_request_cost_usd_bucket',
  requestCostSum: 'llm_request_cost_usd_sum',
  requestCostCount: 'llm_request_cost_usd_count',
  cacheSavings: 'llm_cost_cache_savings_usd_total',
  budgetLimit: 'llm_budget_limit_usd',
  budgetSpent: 'llm_budget_spent_usd',
  budgetForecast: 'llm_budget_forecast_usd',
  budgetPeriodEnd: 'llm_budget_period_end_timestamp_seconds',
  budgetAlerts: 'llm_budget_alerts_total',
  budgetStoreState: 'llm_budget_store_state',
  budgetStoreStaleness: 'llm_budget_store_staleness_seconds',
  budgetStoreUnpushed: 'llm_budget_store_unpushed_usd',
  withoutCacheDetail: 'llm_requests_without_cache_detail_total',
  spansInvalid: 'llm_cost_spans_invalid_total',
  spansDropped: 'llm_cost_spans_dropped_total',
  storeWriteFailures: 'llm_cost_store_write_failures_total',
} as const;

/** Metric attribute (label) names. */
export const ATTR_SERVICE_NAME = 'service.name';
export const ATTR_PROVIDER = 'gen_ai.provider.name';
export const ATTR_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_OPERATION = 'gen_ai.operation.name';
export const ATTR_TOKEN_TYPE = 'llm.token.type';
export const ATTR_PRICED = 'llm.priced';
/** The service tier of a call when not the standard one: flex, priority, scale, batch (absent otherwise). */
export const ATTR_SERVICE_TIER = 'llm.service_tier';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_BUDGET_NAME = 'llm.budget.name';
export const ATTR_BUDGET_PERIOD = 'llm.budget.period';
export const ATTR_BUDGET_LEVEL = 'llm.budget.level';
/** 'fleet' when the budget gauges show the whole fleet's spend (shared budget store), else 'replica'. */
export const ATTR_BUDGET_SCOPE = 'llm.budget.scope';
export const ATTR_BUDGET_STORE_STATE = 'llm.budget.store.state';
export const ATTR_OVERFLOW = 'otel.metric.overflow';
/** gen_ai.client.token.usage uses gen_ai.token.type = input | output. */
export const ATTR_GENAI_TOKEN_TYPE = 'gen_ai.token.type';
/** The instrumentation (scope name and version) on llm.requests.without_cache_detail (otel.scope.name is the exporter's own label). */
export const ATTR_INSTRUMENTATION = 'llm.instrumentation';
/** Reason label on the invalid/dropped counters. */
export const ATTR_REASON = 'reason';

/** Span attributes written on forwarded spans by the collector. */
export const SPAN_ATTR_COST = 'llm.cost.usd';
export const SPAN_ATTR_PRICED = 'llm.priced';
/** Our cost, also under the name LiteLLM writes and Langfuse reads, on spans that carry none. */
export const SPAN_ATTR_USAGE_COST = 'gen_ai.usage.cost';

/** Values of llm.token.type: a sum over these is the billed token total. */
export const TOKEN_TYPES = ['input', 'cache_read', 'cache_write', 'output', 'reasoning'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/** Values of llm.budget.level. */
export const BUDGET_LEVELS = ['warning', 'exceeded', 'forecast'] as const;
export type BudgetLevel = (typeof BUDGET_LEVELS)[number];

/** Values of llm.budget.store.state. */
export const BUDGET_STORE_STATES = ['connecting', 'up', 'down'] as const;

/** Histogram buckets of llm.request.cost.usd, in USD: 1e-6 .. 10. */
export const REQUEST_COST_BUCKETS_USD = [
  0.000001, 0.000005, 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10,
];

/** Default cardinality limit of every instrument (a View sets it). */
export const DEFAULT_CARDINALITY_LIMIT = 2000;
