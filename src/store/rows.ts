// The rows the store writes and reads back, shared with the analytics engine that builds on
// the store. The store owns them: src/store never imports from src/analytics.

/** One additive aggregate of calls (a window bucket, a session, a model row). */
export interface Totals {
  calls: number;
  pricedCalls: number;
  errors: number;
  costUsd: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** Sum of call durations; divide by `calls` for the mean (never a pairwise average). */
  durationMsSum: number;
}

/** Window bucket resolution: m (minute, epoch ms), h (hour, epoch ms), d (local day number). */
export type Resolution = 'm' | 'h' | 'd';

export interface RollupRow extends Totals {
  /** Cache savings of the bucket's priced calls (USD). */
  cacheSavingsUsd: number;
  res: Resolution;
  bucket: number;
  series: string;
}

/** One entry of a heavy-hitter sketch (top sessions, top users). */
export interface HeavyHitter {
  id: string;
  /** Weight counted for this id (an over-estimate by at most `error`). */
  weight: number;
  /** Weight inherited from the evicted entry; 0 means `weight` is exact. */
  error: number;
  /** Calls counted since the id entered the sketch. */
  calls: number;
  /** Of those calls, the ones without a price (their cost is unknown, not in `weight`). */
  unpricedCalls: number;
  firstMs: number;
  lastMs: number;
}

/** A sketch entry as stored: stores written before unpricedCalls was counted have none (read as 0). */
export type StoredHeavyHitter = Omit<HeavyHitter, 'unpricedCalls'> & { unpricedCalls?: number };

export interface SketchSnapshot {
  kind: 'session' | 'user';
  entries: HeavyHitter[];
}

export interface BudgetSpendRow {
  budget: string;
  res: 'd' | 'm';
  bucket: number;
  spent: number;
}

export interface BudgetEventRow {
  budget: string;
  periodKey: string;
  level: string;
  threshold: number;
  firedMs: number;
}

/** One call of the ledger, as written and as returned by queries. */
export interface LedgerCall {
  tsMs: number;
  traceId: string;
  spanId: string;
  sessionId: string | null;
  userId: string | null;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  operation: string | null;
  service: string;
  agent: string | null;
  error: string | null;
  priced: boolean;
  costUsd: number | null;
  inputCost: number | null;
  cacheReadCost: number | null;
  cacheWriteCost: number | null;
  outputCost: number | null;
  reasoningCost: number | null;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  durationMs: number;
  /** The service tier the call ran on when not the standard one (flex, priority, scale, batch). */
  serviceTier: string | null;
  /** A cost in USD the span already carried (gen_ai.usage.cost), kept beside ours. */
  spanCostUsd: number | null;
  dimensions: Record<string, string>;
}

/** Totals of one session's calls in the ledger. */
export interface SessionSummary extends Totals {
  firstMs: number;
  lastMs: number;
  /** Distinct models (response model, else request model), sorted. */
  models: string[];
}

/**
 * One call as the ledger's INSERT takes it: its column values in the ledger's column order
 * (ledger.ts builds it with ledgerRowOf when the call is recorded).
 */
export type LedgerRow = (string | number | null)[];

/** What one flush writes, in one transaction. */
export interface FlushBatch {
  /** The calls recorded since the last flush, oldest first. */
  calls: readonly LedgerRow[];
  rollups: readonly RollupRow[];
  /** Sketches that changed since the last flush, whole. */
  sketches: readonly SketchSnapshot[];
  budgetSpend: readonly BudgetSpendRow[];
}
