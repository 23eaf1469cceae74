import type { Attributes, Counter, Meter } from '@opentelemetry/api';
import {
  ATTR_INSTRUMENTATION,
  ATTR_PROVIDER,
  ATTR_REASON,
  ATTR_REQUEST_MODEL,
  ATTR_SERVICE_NAME,
  METRIC_SPANS_DROPPED,
  METRIC_SPANS_INVALID,
  METRIC_WITHOUT_CACHE_DETAIL,
} from '../semconv.js';
import type { PricedCall } from '../types.js';

/** Counters of what the pipeline could not use: invalid values/spans and dropped work. */
export class PipelineMetrics {
  private readonly invalid: Counter;
  private readonly dropped: Counter;
  private readonly attrs = new Map<string, Attributes>();
  private readonly withoutCacheDetail: Counter;
  private readonly cacheDetailAttrs = new Map<string, Attributes>();

  constructor(meter: Meter) {
    this.invalid = meter.createCounter(METRIC_SPANS_INVALID, {
      unit: '{item}',
      description: 'Span attribute values or spans that could not be used, by reason.',
    });
    this.dropped = meter.createCounter(METRIC_SPANS_DROPPED, {
      unit: '{span}',
      description: 'Spans or writes dropped by a bounded queue or an internal error, by reason.',
    });
    this.withoutCacheDetail = meter.createCounter(METRIC_WITHOUT_CACHE_DETAIL, {
      unit: '{request}',
      description: 'Calls priced without cache detail: the instrumentation omits cache counts for a provider that caches on its own, so the cost is an upper bound.',
    });
  }

  /** One call whose emitter omits cache counts (call.cacheDetailMissing names it). */
  countWithoutCacheDetail(call: PricedCall): void {
    const instrumentation = call.cacheDetailMissing ?? '';
    const key = `${call.serviceName}\u0000${call.provider ?? ''}\u0000${call.requestModel ?? ''}\u0000${instrumentation}`;
    let attrs = this.cacheDetailAttrs.get(key);
    if (attrs === undefined) {
      attrs = { [ATTR_SERVICE_NAME]: call.serviceName, [ATTR_INSTRUMENTATION]: instrumentation };
      if (call.provider !== undefined) attrs[ATTR_PROVIDER] = call.provider;
      if (call.requestModel !== undefined) attrs[ATTR_REQUEST_MODEL] = call.requestModel;
      // Services x providers x models x instrumentations stay few; the bound guards against misuse.
      if (this.cacheDetailAttrs.size < 1000) this.cacheDetailAttrs.set(key, attrs);
    }
    this.withoutCacheDetail.add(1, attrs);
  }

  countInvalid(reason: string, n = 1): void {
    this.invalid.add(n, this.reasonAttrs(reason));
  }

  countDropped(reason: string, n = 1): void {
    this.dropped.add(n, this.reasonAttrs(reason));
  }

  private reasonAttrs(reason: string): Attributes {
    let attrs = this.attrs.get(reason);
    if (attrs === undefined) {
      attrs = { [ATTR_REASON]: reason };
      // Reasons are a small fixed vocabulary of ours; the bound guards against misuse.
      if (this.attrs.size < 100) this.attrs.set(reason, attrs);
    }
    return attrs;
  }
}
