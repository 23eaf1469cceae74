// Pricing on its own, for users who have usage but no spans: one function over PriceBook.

import { normalizeServiceTier } from '../extract/service-tier.js';
import type { TokenCosts, TokenPartition, UnpricedReason } from '../types.js';
import type { PricesOptions } from './options.js';
import { PriceBook } from './price-book.js';

/** One LLM call's usage. Token counts follow LlmCall: input and output are inclusive totals. */
export interface CallUsage {
  /** Model name as the provider reports it, e.g. 'gpt-4o'. */
  model: string;
  /** OpenTelemetry provider name (gen_ai.provider.name), e.g. 'openai'. Default: inferred from the model. */
  provider?: string;
  /** ALL input tokens, cache reads and writes included. */
  inputTokens: number;
  /** ALL output tokens, reasoning included. */
  outputTokens: number;
  /** Default: 0. */
  cacheReadTokens?: number;
  /** Default: 0. */
  cacheWriteTokens?: number;
  /** Default: 0. */
  reasoningTokens?: number;
  /** gen_ai.operation.name, e.g. 'chat' or 'embeddings'. Default: 'chat'. */
  operation?: string;
  /** When the call was made (prices change over time), in ms since the epoch. Default: now. */
  timeMs?: number;
  /**
   * The service tier the call ran on, as the provider reports it: 'flex', 'priority', 'scale'
   * or 'batch' are priced from the tier table and `prices.tiers`; 'default', 'auto',
   * 'standard' or nothing mean the standard price. Default: standard.
   */
  serviceTier?: string;
}

/** The price of one call; an unknown model is unpriced (costUsd undefined), never $0. */
export interface CallPrice {
  priced: boolean;
  costUsd: number | undefined;
  costs: TokenCosts | undefined;
  tokens: TokenPartition;
  unpricedReason: UnpricedReason | undefined;
  /** The catalog entry used, e.g. "openai/gpt-4o". */
  pricedAs: string | undefined;
  cacheSavingsUsd: number | undefined;
}

const books = new WeakMap<PricesOptions, PriceBook>();
const NO_OVERRIDES: PricesOptions = {};

/**
 * The USD price of one call from the bundled catalog and the optional overrides (the
 * processor's `prices` option). Resolutions are memoized per `prices` object, so pass the same
 * object each time. Throws ConfigError for invalid overrides; never for odd usage.
 */
export function priceCall(usage: CallUsage, prices: PricesOptions = NO_OVERRIDES): CallPrice {
  let book = books.get(prices);
  if (book === undefined) {
    book = new PriceBook(prices);
    books.set(prices, book);
  }
  const timeMs = usage.timeMs ?? Date.now();
  const priced = book.price({
    traceId: '',
    spanId: '',
    parentSpanId: undefined,
    startTimeMs: timeMs,
    endTimeMs: timeMs,
    provider: usage.provider,
    requestModel: usage.model,
    responseModel: undefined,
    operation: usage.operation ?? 'chat',
    inputTokens: usage.inputTokens,
    cacheReadTokens: usage.cacheReadTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
    outputTokens: usage.outputTokens,
    reasoningTokens: usage.reasoningTokens,
    sessionId: undefined,
    userId: undefined,
    agentName: undefined,
    serviceName: '',
    error: undefined,
    dialect: 'gen_ai',
    role: 'call',
    dimensions: {},
    serviceTier: normalizeServiceTier(usage.serviceTier),
  });
  return {
    priced: priced.priced,
    costUsd: priced.costUsd,
    costs: priced.costs,
    tokens: priced.tokens,
    unpricedReason: priced.unpricedReason,
    pricedAs: priced.pricedAs,
    cacheSavingsUsd: priced.cacheSavingsUsd,
  };
}
