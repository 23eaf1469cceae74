export { LlmCostSpanProcessor } from './processor.js';
export { CostPipeline } from './pipeline.js';
export type { PipelineStats } from './pipeline.js';
export type { LlmCostOptions } from './options.js';
export { validateOptions } from './options-validate.js';
export { ConfigError } from './config-error.js';
export { llmCostViews } from './metrics/views.js';
export type { LlmCostViewsOptions } from './metrics/views.js';
export { PriceBook } from './pricing/index.js';
export type { PricesOptions, CustomModelPrice } from './pricing/index.js';
export type { BudgetConfig } from './analytics/budget-config.js';
export type { AnalyticsApi, ModelRow, DailyRow, TrendPoint, TopEntry, BreakdownRow, SessionView, ScoreTierRow } from './analytics/query-api.js';
export type { BudgetApi, BudgetCheck } from './analytics/budget-api.js';
export type { BudgetEvent } from './analytics/index.js';
export type { BudgetStatus } from './analytics/budget-tracker.js';
export type { ForecastMethod } from './analytics/forecast.js';
export { StoreError } from './store/store-error.js';
export { spanInputFromReadable } from './readable-span.js';
export { startCollector } from './collector/index.js';
export type { CollectorConfig, RunningCollector } from './collector/index.js';
export type {
  Dialect,
  LlmCall,
  PricedCall,
  SpanInput,
  TokenCosts,
  TokenPartition,
  UnpricedReason,
} from './types.js';
export {
  METER_NAME,
  METRIC_COST,
  METRIC_TOKENS,
  METRIC_REQUESTS,
  METRIC_REQUEST_COST,
  METRIC_BUDGET_LIMIT,
  METRIC_BUDGET_SPENT,
  METRIC_BUDGET_FORECAST,
  METRIC_BUDGET_PERIOD_END,
  METRIC_BUDGET_ALERTS,
  PROM,
  TOKEN_TYPES,
} from './semconv.js';
export type { TokenType, BudgetLevel } from './semconv.js';
export { VERSION } from './version.js';
