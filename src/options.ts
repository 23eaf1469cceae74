import type { MeterProvider } from '@opentelemetry/api';
import type { PricesOptions } from './pricing/options.js';
import type { BudgetConfig } from './analytics/budget-config.js';
import type { BudgetEvent } from './analytics/budget-tracker.js';
import type { ForecastMethod } from './analytics/forecast.js';

/** Options of LlmCostSpanProcessor (and of the collector's pipeline). Every field is optional. */
export interface LlmCostOptions {
  /** Where the cost metrics go. Default: the global MeterProvider (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /** Price overrides on top of the @pydantic/genai-prices catalog. Default: none. */
  prices?: PricesOptions;
  /** Budgets with calendar or rolling periods. Default: none. */
  budgets?: BudgetConfig[];
  /**
   * Extra span or resource attributes to add as metric labels (span attribute wins).
   * Never put ids (session, user, trace) here. Default: [].
   */
  dimensions?: string[];
  /**
   * Keep windows, top sessions/users, budgets and the store. false = metrics only: the
   * cheapest hot path, but no processor.analytics, no budgets and no llm.budget.* metrics.
   * Default: true.
   */
  analytics?: boolean;
  /** Durable state: a SQLite file path, or ':memory:'. Default: ':memory:'. */
  store?: string;
  /** Milliseconds since the epoch; inject a fake one in tests. Default: Date.now. */
  clock?: () => number;
  /** Emit gen_ai.client.token.usage and gen_ai.client.operation.duration too. Default: false. */
  genAiMetrics?: boolean;
  /** Max distinct label sets per instrument; the rest go to otel.metric.overflow=true. Default: 2000. */
  cardinalityLimit?: number;
  /** How many span ids the double-count memory keeps (LRU). Default: 100000. */
  dedupeCapacity?: number;
  /**
   * Treat two LLM spans of one trace as one call when they come from different
   * instrumentations, name the same model and one lies inside the other in time, even
   * when they are not parent and child (LangChain's OpenInference span and the OpenAI
   * client span under it; a parent LLM span that ends before its child). Default: true.
   */
  dedupeUnnestedCopies?: boolean;
  /** How often buffered writes go to the store, in ms. Default: 1000. */
  flushIntervalMs?: number;
  /**
   * Bytes of calls kept in memory while writes to the store fail (disk full, permissions); they
   * are retried at every flush, and the oldest beyond this are dropped from the ledger (counted in
   * llm.cost.spans.dropped{reason="store_backlog_full"}). Default: 134217728 (128 MiB, ~250,000 calls).
   */
  storeBacklogBytes?: number;
  /** Days the per-call ledger (breakdown, session) is kept; rollups are kept for good. Default: 90. */
  ledgerRetentionDays?: number;
  /** Budget forecast: 'holt-winters' (level + weekday factors) or 'sma7' (7-day average). Default: 'holt-winters'. */
  forecastMethod?: ForecastMethod;
  /** IANA timezone for daily windows and budgets without their own. Default: 'UTC'. */
  timezone?: string;
  /** service.name when a span's resource has none. Default: 'unknown_service'. */
  defaultServiceName?: string;
  /**
   * Called when a budget crosses a threshold (warning, exceeded, forecast): once per
   * period and level, not repeated after a restart. Default: none (the
   * llm.budget.alerts counter and diag still report it).
   */
  onBudgetEvent?: (event: BudgetEvent) => void;
  /**
   * Shared budget store that makes budgets, check() and budget events fleet-wide:
   * `redis://[user:password@]host:6379/0` or `rediss://...` (TLS). Every replica adds its spend
   * to one Redis value per budget and period; check() reads a fleet total refreshed in the
   * background. Default: none (each process budgets alone). See docs/fleet.md.
   */
  budgetStore?: string;
  /** Prefix of every Redis key (share one Redis between fleets with different prefixes). Default: 'otel-llm-cost:'. */
  budgetStoreKeyPrefix?: string;
  /**
   * What check() answers for a `block` budget while the shared store is unreachable (or not yet
   * reached since start): 'allow' decides on the last fleet total seen plus this replica's
   * spend since; 'block' refuses until the store answers again. Default: 'allow'.
   */
  budgetStoreUnavailable?: 'allow' | 'block';
  /**
   * How often each replica pushes its spend to the shared store and reads the fleet's back
   * (one round trip), in ms. The fleet view check() uses is at most this old. Default: 1000.
   */
  budgetSyncMs?: number;
}
