import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { PricedCall } from '../types.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_OPERATION,
  ATTR_PRICED,
  ATTR_PROVIDER,
  ATTR_REQUEST_MODEL,
  ATTR_RESPONSE_MODEL,
  ATTR_SERVICE_NAME,
  ATTR_TOKEN_TYPE,
  METRIC_COST,
  METRIC_REQUEST_COST,
  METRIC_REQUESTS,
  METRIC_TOKENS,
  REQUEST_COST_BUCKETS_USD,
  TOKEN_TYPES,
} from '../semconv.js';
import { GenAiMetrics } from './genai-metrics.js';
import { SeriesCache } from './series-cache.js';
import type { SeriesEntry } from './series-cache.js';

export interface CostMetricsOptions {
  /** Extra label names, in the order their values appear in LlmCall.dimensions. */
  dimensions: readonly string[];
  /** Max distinct label sets; the rest share otel.metric.overflow=true. */
  cardinalityLimit: number;
  /** Also emit gen_ai.client.token.usage and gen_ai.client.operation.duration. */
  genAiMetrics: boolean;
}

const SEP = '\u0000';

/** The cost, token, request and cost-per-request instruments of the metrics contract. */
export class CostMetrics {
  private readonly cost: Counter;
  private readonly tokens: Counter;
  private readonly requests: Counter;
  private readonly requestCost: Histogram;
  private readonly genAi: GenAiMetrics | undefined;
  private readonly series: SeriesCache;
  private readonly dimensions: readonly string[];

  constructor(meter: Meter, options: CostMetricsOptions) {
    this.dimensions = options.dimensions;
    this.series = new SeriesCache(options.cardinalityLimit);
    this.cost = meter.createCounter(METRIC_COST, {
      unit: 'USD',
      description: 'Cost of LLM calls in US dollars, from token usage and the price catalog.',
    });
    this.tokens = meter.createCounter(METRIC_TOKENS, {
      unit: '{token}',
      description: 'Tokens of LLM calls by llm.token.type (input is uncached input, output excludes reasoning).',
    });
    this.requests = meter.createCounter(METRIC_REQUESTS, {
      unit: '{request}',
      description: 'LLM calls counted once each; llm.priced=false when the model or usage was unknown.',
    });
    this.requestCost = meter.createHistogram(METRIC_REQUEST_COST, {
      unit: 'USD',
      description: 'Cost of one priced LLM call in US dollars.',
      advice: { explicitBucketBoundaries: REQUEST_COST_BUCKETS_USD },
    });
    this.genAi = options.genAiMetrics ? new GenAiMetrics(meter) : undefined;
  }

  /** Label sets that did not fit under the cardinality limit so far. */
  get overflowed(): number {
    return this.series.overflowed;
  }

  record(call: PricedCall): void {
    const entry = this.entryFor(call);
    const priced = call.priced;
    this.requests.add(1, requestAttributes(entry, priced, call.error));
    const tokenAttrs = tokenAttributes(entry, priced);
    const t = call.tokens;
    if (t.input > 0) this.tokens.add(t.input, tokenAttrs[0]);
    if (t.cacheRead > 0) this.tokens.add(t.cacheRead, tokenAttrs[1]);
    if (t.cacheWrite > 0) this.tokens.add(t.cacheWrite, tokenAttrs[2]);
    if (t.output > 0) this.tokens.add(t.output, tokenAttrs[3]);
    if (t.reasoning > 0) this.tokens.add(t.reasoning, tokenAttrs[4]);
    if (priced && call.costUsd !== undefined) {
      this.cost.add(call.costUsd, entry.common);
      this.requestCost.record(call.costUsd, entry.common);
    }
    this.genAi?.record(call);
  }

  private entryFor(call: PricedCall): SeriesEntry {
    let key =
      call.serviceName + SEP + (call.provider ?? '') + SEP + (call.requestModel ?? '') + SEP +
      (call.responseModel ?? '') + SEP + (call.operation ?? '');
    const dims = this.dimensions;
    for (let i = 0; i < dims.length; i++) key += SEP + (call.dimensions[dims[i]!] ?? '');
    return this.series.get(key, () => commonAttributes(call, dims));
  }
}

function commonAttributes(call: PricedCall, dimensions: readonly string[]): Attributes {
  const attrs: Attributes = { [ATTR_SERVICE_NAME]: call.serviceName };
  if (call.provider !== undefined) attrs[ATTR_PROVIDER] = call.provider;
  if (call.requestModel !== undefined) attrs[ATTR_REQUEST_MODEL] = call.requestModel;
  if (call.responseModel !== undefined) attrs[ATTR_RESPONSE_MODEL] = call.responseModel;
  if (call.operation !== undefined) attrs[ATTR_OPERATION] = call.operation;
  for (const name of dimensions) {
    const value = call.dimensions[name];
    if (value !== undefined) attrs[name] = value;
  }
  return attrs;
}

function requestAttributes(entry: SeriesEntry, priced: boolean, error: string | undefined): Attributes {
  const key = priced ? (error === undefined ? 't' : `t|${error}`) : error === undefined ? 'f' : `f|${error}`;
  let attrs = entry.requests.get(key);
  if (attrs === undefined) {
    attrs = { ...entry.common, [ATTR_PRICED]: priced };
    if (error !== undefined) attrs[ATTR_ERROR_TYPE] = error;
    // error.type values come from spans: bound them per series like everything else.
    if (entry.requests.size < 64) entry.requests.set(key, attrs);
  }
  return attrs;
}

function tokenAttributes(entry: SeriesEntry, priced: boolean): Attributes[] {
  const slot = priced ? 1 : 0;
  let attrs = entry.tokens[slot];
  if (attrs === undefined) {
    attrs = TOKEN_TYPES.map((type) => ({ ...entry.common, [ATTR_TOKEN_TYPE]: type, [ATTR_PRICED]: priced }));
    entry.tokens[slot] = attrs;
  }
  return attrs;
}
