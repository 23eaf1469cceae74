// Plain-data records passed between the pipeline stages (see DESIGN.md, "The pipeline").

/** Service tiers priced differently from a provider's standard rates. */
export type ServiceTier = 'flex' | 'priority' | 'scale' | 'batch';

/** Which attribute convention a call was read from. */
export type Dialect = 'gen_ai' | 'openllmetry' | 'openinference' | 'vercel_ai' | 'langfuse';

/**
 * A dialect-neutral view of one finished span: built from an SDK ReadableSpan
 * (in-process) or from an OTLP span + resource + scope (collector).
 */
export interface SpanInput {
  traceId: string;
  spanId: string;
  /** undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  /** Epoch milliseconds. */
  startTimeMs: number;
  endTimeMs: number;
  /** Span status is ERROR. */
  statusError: boolean;
  /** Span status message, if any. */
  statusMessage?: string;
  attributes: Readonly<Record<string, unknown>>;
  resourceAttributes: Readonly<Record<string, unknown>>;
  scopeName: string | undefined;
  scopeVersion: string | undefined;
}

/** One normalized LLM call (or a wrapper carrying usage), as DESIGN.md defines it. */
export interface LlmCall {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  startTimeMs: number;
  endTimeMs: number;
  /** OpenTelemetry provider name (gen_ai.provider.name values), e.g. openai, gcp.vertex_ai. */
  provider: string | undefined;
  requestModel: string | undefined;
  responseModel: string | undefined;
  /** gen_ai.operation.name value: chat, text_completion, embeddings, generate_content, ... */
  operation: string | undefined;
  /** ALL input tokens, cache reads and writes included. undefined = unknown (never 0 for unknown). */
  inputTokens: number | undefined;
  cacheReadTokens: number | undefined;
  cacheWriteTokens: number | undefined;
  /** ALL output tokens, reasoning included. */
  outputTokens: number | undefined;
  reasoningTokens: number | undefined;
  sessionId: string | undefined;
  userId: string | undefined;
  agentName: string | undefined;
  serviceName: string;
  /** error.type value when the call failed (status ERROR or error.type attribute), else undefined. */
  error: string | undefined;
  dialect: Dialect;
  /**
   * 'call' for a per-call LLM span; 'wrapper' for an agent/workflow span that carries usage
   * (counted only when nothing under it counted: DESIGN.md rule 3).
   */
  role: 'call' | 'wrapper';
  /** Values of the configured extra dimensions (label name -> value); missing ones are absent. */
  dimensions: Readonly<Record<string, string>>;
  /**
   * The service tier the call ran on when it is not the standard one (flex, priority, scale,
   * batch): it changes the price. undefined = standard or not reported.
   */
  serviceTier?: ServiceTier | undefined;
  /**
   * A cost in USD already on the span (`gen_ai.usage.cost`, as LiteLLM writes it). Kept beside
   * ours, used when we cannot price the call, never overwritten.
   */
  spanCostUsd?: number | undefined;
  /**
   * Set when the call's emitter is known to omit cache counts for a provider that caches on
   * its own: the instrumentation and version (e.g. "@opentelemetry/instrumentation-openai 0.21.0").
   * Its price is then an upper bound.
   */
  cacheDetailMissing?: string | undefined;
}

/** USD cost of each token type of one call (the llm.token.type partition). */
export interface TokenCosts {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

/** Token counts by llm.token.type; a sum over them is the billed total. */
export interface TokenPartition {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

export type UnpricedReason = 'unknown_model' | 'missing_usage' | 'no_model' | 'pricing_error';

/** A counted call with its price. */
export interface PricedCall extends LlmCall {
  /** true when costUsd is a real price. An unpriced call is never $0: costUsd is undefined. */
  priced: boolean;
  costUsd: number | undefined;
  costs: TokenCosts | undefined;
  /** Known token counts by type (unknown counts contribute nothing). */
  tokens: TokenPartition;
  unpricedReason: UnpricedReason | undefined;
  /** The catalog entry used, for explanations (e.g. "openai/gpt-4o"). */
  pricedAs: string | undefined;
  /**
   * What the cache-read tokens would have cost at the uncached input price, minus what they
   * cost. undefined when unpriced or when the split is not linear.
   */
  cacheSavingsUsd?: number;
}
