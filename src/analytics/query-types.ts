// Result shapes of processor.analytics (AnalyticsApi).
import type { BudgetStatus } from './budget-tracker.js';
import type { DailyByDimension, DailyByView } from './daily-by.js';
import type { UsageQuery, UsageView } from './usage.js';

export interface TotalsView {
  calls: number;
  pricedCalls: number;
  unpricedCalls: number;
  errors: number;
  costUsd: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  /** Mean call duration (sum / count); null without calls. */
  avgDurationMs: number | null;
  /** Cost per priced call; null without priced calls. */
  avgCostPerCallUsd: number | null;
}

/** Totals of window buckets, which also keep what reading from the cache saved. */
export interface WindowTotalsView extends TotalsView {
  /** Cache savings of the priced calls (USD), as llm.cost.cache_savings.usd counts them. */
  cacheSavingsUsd: number;
}
export interface ModelRow extends WindowTotalsView { provider: string; model: string }
export type Dimension = 'model' | 'provider' | 'service' | 'agent';
export interface DimensionRow extends WindowTotalsView { key: string }
export interface DailyRow extends WindowTotalsView { date: string }
export interface TrendPoint { date: string; value: number; movingAverage: number }
/** One entry of topSessions() / topUsers(). */
export interface TopEntry {
  id: string;
  /** Cost (USD): exact when `exact`, else an over-estimate by at most `errorUsd`. */
  costUsd: number;
  errorUsd: number;
  /** costUsd is exact (from the ledger, or never approximated by the sketch). */
  exact: boolean;
  calls: number;
  /**
   * Of `calls`, those without a price (unknown model, no usage): their cost is unknown and not in
   * costUsd. When it equals `calls`, the cost is unknown, not $0.
   */
  unpricedCalls: number;
  firstMs: number;
  lastMs: number;
  /**
   * The same on every entry of one answer: true when the list is provably the n costliest, in
   * order (ties aside). false when the bounded top-K sketch cannot tell these entries from the
   * ones it dropped (e.g. a million sessions of one call each): then the order carries no
   * information beyond `unlistedMaxUsd`, and must not be shown as a ranking.
   */
  rankingExact: boolean;
  /** The most (USD) an id not in the list may have cost: the ranking's margin. The same on every entry. */
  unlistedMaxUsd: number;
}

export interface BreakdownRow {
  timeMs: number;
  traceId: string;
  spanId: string;
  sessionId: string | null;
  provider: string | null;
  model: string | null;
  priced: boolean;
  inputCostUsd: number | null;
  cacheReadCostUsd: number | null;
  cacheWriteCostUsd: number | null;
  outputCostUsd: number | null;
  reasoningCostUsd: number | null;
  totalCostUsd: number | null;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** Share of the input-side cost spent on cache reads; null when the input-side cost is 0. */
  cacheReadCostShare: number | null;
  /** The service tier the call ran on (flex, priority, scale, batch); null for the standard tier or when not reported. */
  serviceTier: string | null;
  /** A cost in USD the span already carried (gen_ai.usage.cost, e.g. LiteLLM's), beside ours (totalCostUsd); null when it had none. */
  spanCostUsd: number | null;
}

/** One page of breakdown(): pass nextCursor back as `cursor` for the next one; null after the last row. */
export interface BreakdownPage {
  rows: BreakdownRow[];
  nextCursor: string | null;
}

export interface BreakdownQuery {
  /** Only this session's calls. */
  sessionId?: string;
  /** Calls of the last `hours` (default 24). */
  hours?: number;
  /** Rows per page: an integer from 1 to 1000, default 100. */
  limit?: number;
  /** The nextCursor of the page before; omit for the first page. */
  cursor?: string;
}

export interface SessionView extends TotalsView { id: string; models: string[]; firstMs: number; lastMs: number }
export interface ScoreTierRow { tier: string; sessions: number; sessionsWithCalls: number; calls: number; costUsd: number; avgCostPerSessionUsd: number | null }

export interface AnalyticsApi {
  byModel(q?: { hours?: number }): ModelRow[];
  by(q: { dimension: Dimension; hours?: number }): DimensionRow[];
  daily(q?: { days?: number; timezone?: string }): DailyRow[];
  /** Daily cost in the store's timezone, one series per model (or provider), the costliest `top` (default 8, at most 50) and one for the rest. */
  dailyBy(q?: { dimension?: DailyByDimension; days?: number; top?: number }): DailyByView;
  /** Everything the usage page shows for a range: headline totals, tables, daily chart, budgets with run-out dates, top lists. */
  usage(q?: UsageQuery): UsageView;
  topSessions(q?: { n?: number }): TopEntry[];
  topUsers(q?: { n?: number }): TopEntry[];
  trend(q?: { metric?: 'cost' | 'tokens' | 'calls'; days?: number; window?: number }): { metric: string; window: number; points: TrendPoint[] };
  budgets(): BudgetStatus[];
  summary(): string;
  /** The calls themselves, oldest first (ties in the order they were recorded), a page at a time. */
  breakdown(q?: BreakdownQuery): BreakdownPage;
  session(id: string): SessionView | undefined;
  costByScoreTier(scores: Readonly<Record<string, readonly string[]>> | ReadonlyMap<string, readonly string[]>): ScoreTierRow[];
}
