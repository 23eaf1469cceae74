// The package's main entry: the span processor, its options and types, the metric views, the
// metric and attribute names, and pricing on its own. The collector is the
// `otel-llm-cost/collector` subpath (src/collector-entry.ts), so that apps importing the
// processor do not load the HTTP server.
export { LlmCostSpanProcessor } from './processor.js';
export type { LlmCostOptions } from './options.js';
export { ConfigError } from './config-error.js';
export { StoreError } from './store/store-error.js';
export { llmCostViews } from './metrics/views.js';
export type { LlmCostViewsOptions } from './metrics/views.js';
export { priceCall } from './pricing/price-call.js';
export type { CallPrice, CallUsage } from './pricing/price-call.js';
export type { PricesOptions, CustomModelPrice } from './pricing/options.js';
export type { BudgetConfig } from './analytics/budget-config.js';
export type { AnalyticsApi, ModelRow, DailyRow, TrendPoint, TopEntry, BreakdownPage, BreakdownQuery, BreakdownRow, SessionView, ScoreTierRow } from './analytics/query-api.js';
export type { BudgetApi, BudgetCheck } from './analytics/budget-api.js';
export type { BudgetEvent } from './analytics/engine.js';
export type { BudgetStatus } from './analytics/budget-tracker.js';
export type { ForecastMethod } from './analytics/forecast.js';
export type { Dialect, LlmCall, PricedCall, TokenCosts, TokenPartition, UnpricedReason } from './types.js';
export { serveUsagePage } from './usage-page/serve.js';
export type { UsagePageOptions, UsagePageServer } from './usage-page/serve.js';
export type { UsageBudget, UsageQuery, UsageView, UnpricedModel } from './analytics/usage.js';
export type { DailyByView, DailyBySeries, DailyByDimension } from './analytics/daily-by.js';
export type { BudgetOutlook, BudgetState } from './analytics/budget-outlook.js';
export {
  METER_NAME,
  METRIC_COST,
  METRIC_TOKENS,
  METRIC_REQUESTS,
  METRIC_REQUEST_COST,
  METRIC_CACHE_SAVINGS,
  METRIC_BUDGET_LIMIT,
  METRIC_BUDGET_SPENT,
  METRIC_BUDGET_FORECAST,
  METRIC_BUDGET_PERIOD_END,
  METRIC_BUDGET_ALERTS,
  METRIC_BUDGET_STORE_STATE,
  METRIC_BUDGET_STORE_STALENESS,
  METRIC_BUDGET_STORE_UNPUSHED,
  METRIC_GENAI_TOKEN_USAGE,
  METRIC_GENAI_OPERATION_DURATION,
  METRIC_SPANS_INVALID,
  METRIC_SPANS_DROPPED,
  PROM,
  ATTR_SERVICE_NAME,
  ATTR_PROVIDER,
  ATTR_REQUEST_MODEL,
  ATTR_RESPONSE_MODEL,
  ATTR_OPERATION,
  ATTR_TOKEN_TYPE,
  ATTR_PRICED,
  ATTR_ERROR_TYPE,
  ATTR_BUDGET_NAME,
  ATTR_BUDGET_PERIOD,
  ATTR_BUDGET_LEVEL,
  ATTR_BUDGET_SCOPE,
  ATTR_BUDGET_STORE_STATE,
  ATTR_OVERFLOW,
  ATTR_REASON,
  SPAN_ATTR_COST,
  SPAN_ATTR_PRICED,
  TOKEN_TYPES,
  BUDGET_LEVELS,
} from './semconv.js';
export type { TokenType, BudgetLevel } from './semconv.js';
export { VERSION } from './version.js';
