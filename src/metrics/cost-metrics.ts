import type { Attributes, BatchObservableResult, Meter, ObservableCounter } from '@opentelemetry/api';
import type { PricedCall } from '../types.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_PRICED,
  ATTR_TOKEN_TYPE,
  METRIC_CACHE_SAVINGS,
  METRIC_COST,
  METRIC_REQUEST_COST,
  METRIC_REQUESTS,
  METRIC_TOKENS,
  REQUEST_COST_BUCKETS_USD,
  TOKEN_TYPES,
} from '../semconv.js';
import { DeferredRecords } from './deferred-records.js';
import { GenAiMetrics } from './genai-metrics.js';
import { sdkHistograms } from './histogram-recorder.js';
import type { HistogramFactory, HistogramRecorder } from './histogram-recorder.js';
import { SeriesCache } from './series-cache.js';
import type { RequestSeries, SeriesEntry, TokenSeries } from './series-cache.js';

export interface CostMetricsOptions {
  /** Extra label names, in the order their values appear in LlmCall.dimensions. */
  dimensions: readonly string[];
  /** Max distinct common label sets; the rest share otel.metric.overflow=true. */
  cardinalityLimit: number;
  /** Also emit gen_ai.client.token.usage and gen_ai.client.operation.duration. */
  genAiMetrics: boolean;
  /** Where histograms go instead of SDK instruments on the meter (a collector's own producer). */
  histograms?: HistogramFactory;
}

// error.type values come from spans: bound them per label set like everything else.
const MAX_REQUEST_SERIES_PER_SET = 32;

/**
 * The cost, token, request and cost-per-request instruments of the metrics contract.
 *
 * The three counters are observable: a call only adds to running totals held per label
 * set, and the SDK reads them at collection time. A synchronous counter would hash the
 * attribute object on every add (about 1 us each, six adds per call); this keeps a call's
 * metrics at one series lookup (SeriesCache: one Map keyed by the joined label values). Histogram
 * values are deferred (DeferredRecords) or, when the process owns its reader, aggregated
 * here and read through a HistogramProducer.
 * Exposition is unchanged: monotonic sums, i.e. Prometheus counters.
 */
export class CostMetrics {
  private readonly requestCost: HistogramRecorder;
  private readonly genAi: GenAiMetrics | undefined;
  private readonly series: SeriesCache;
  /** Held SDK histogram values; none when a HistogramFactory of the host's takes them. */
  private readonly deferred: DeferredRecords | undefined;

  constructor(meter: Meter, options: CostMetricsOptions) {
    this.series = new SeriesCache(options.cardinalityLimit, options.dimensions);
    const cost = meter.createObservableCounter(METRIC_COST, {
      unit: 'USD',
      description: 'Cost of LLM calls in US dollars, from token usage and the price catalog.',
    });
    const tokens = meter.createObservableCounter(METRIC_TOKENS, {
      unit: '{token}',
      description: 'Tokens of LLM calls by llm.token.type (input is uncached input, output excludes reasoning).',
    });
    const requests = meter.createObservableCounter(METRIC_REQUESTS, {
      unit: '{request}',
      description: 'LLM calls counted once each; llm.priced=false when the model or usage was unknown.',
    });
    const savings = meter.createObservableCounter(METRIC_CACHE_SAVINGS, {
      unit: 'USD',
      description: 'What cache-read tokens would have cost at the uncached input price, minus what they cost.',
    });
    meter.addBatchObservableCallback(
      (result) => this.observe(result, { cost, tokens, requests, savings }),
      [cost, tokens, requests, savings],
    );
    let histograms = options.histograms;
    if (histograms === undefined) {
      this.deferred = new DeferredRecords();
      histograms = sdkHistograms(meter, this.deferred);
    }
    this.requestCost = histograms.create({
      name: METRIC_REQUEST_COST,
      unit: 'USD',
      description: 'Cost of one priced LLM call in US dollars.',
      boundaries: REQUEST_COST_BUCKETS_USD,
    });
    this.genAi = options.genAiMetrics ? new GenAiMetrics(histograms) : undefined;
  }

  /**
   * Calls whose label set did not fit under the cardinality limit so far (a label set first
   * seen past the limit is never stored, so it counts again each time it is seen).
   */
  get overflowed(): number {
    return this.series.overflowed;
  }

  record(call: PricedCall): void {
    const entry = this.series.entryFor(call);
    const priced = call.priced;
    requestSeries(entry, priced, call.error).count++;
    const values = tokenSeries(entry, priced).values;
    const t = call.tokens;
    values[0]! += t.input;
    values[1]! += t.cacheRead;
    values[2]! += t.cacheWrite;
    values[3]! += t.output;
    values[4]! += t.reasoning;
    if (priced && call.costUsd !== undefined) {
      entry.costUsd += call.costUsd;
      // A cache-read price above the input price would be a negative saving: counters only grow.
      if (call.cacheSavingsUsd !== undefined && call.cacheSavingsUsd > 0) entry.cacheSavingsUsd += call.cacheSavingsUsd;
      this.requestCost.record(call.costUsd, entry.common);
    }
    this.genAi?.record(call, entry);
  }

  private observe(result: BatchObservableResult, counters: Record<'cost' | 'tokens' | 'requests' | 'savings', ObservableCounter>): void {
    const { cost, tokens, requests, savings } = counters;
    this.deferred?.flush();
    for (const entry of this.series.all()) {
      if (entry.costUsd > 0) result.observe(cost, entry.costUsd, entry.common);
      if (entry.cacheSavingsUsd > 0) result.observe(savings, entry.cacheSavingsUsd, entry.common);
      for (const r of entry.requests.values()) result.observe(requests, r.count, r.attrs);
      for (const series of entry.tokens) {
        if (series === undefined) continue;
        for (let i = 0; i < TOKEN_TYPES.length; i++) {
          if (series.values[i]! > 0) result.observe(tokens, series.values[i]!, series.attrs[i]);
        }
      }
    }
  }
}

function requestSeries(entry: SeriesEntry, priced: boolean, error: string | undefined): RequestSeries {
  const key = error === undefined ? (priced ? 't' : 'f') : (priced ? 't|' : 'f|') + error;
  let series = entry.requests.get(key);
  if (series === undefined) {
    if (entry.requests.size >= MAX_REQUEST_SERIES_PER_SET) return requestSeries(entry, priced, '_OTHER');
    const attrs: Attributes = { ...entry.common, [ATTR_PRICED]: priced };
    if (error !== undefined) attrs[ATTR_ERROR_TYPE] = error;
    series = { attrs, count: 0 };
    entry.requests.set(key, series);
  }
  return series;
}

function tokenSeries(entry: SeriesEntry, priced: boolean): TokenSeries {
  const slot = priced ? 1 : 0;
  return entry.tokens[slot] ?? (entry.tokens[slot] = newTokenSeries(entry, priced));
}

// Apart from tokenSeries: a closure there would make V8 allocate a context on every call.
function newTokenSeries(entry: SeriesEntry, priced: boolean): TokenSeries {
  return {
    attrs: TOKEN_TYPES.map((type) => ({ ...entry.common, [ATTR_TOKEN_TYPE]: type, [ATTR_PRICED]: priced })),
    values: new Float64Array(TOKEN_TYPES.length),
  };
}
