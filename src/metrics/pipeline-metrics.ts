import type { Attributes, Counter, Meter } from '@opentelemetry/api';
import { ATTR_REASON, METRIC_SPANS_DROPPED, METRIC_SPANS_INVALID } from '../semconv.js';

/** Counters of what the pipeline could not use: invalid values/spans and dropped work. */
export class PipelineMetrics {
  private readonly invalid: Counter;
  private readonly dropped: Counter;
  private readonly attrs = new Map<string, Attributes>();

  constructor(meter: Meter) {
    this.invalid = meter.createCounter(METRIC_SPANS_INVALID, {
      unit: '{item}',
      description: 'Span attribute values or spans that could not be used, by reason.',
    });
    this.dropped = meter.createCounter(METRIC_SPANS_DROPPED, {
      unit: '{span}',
      description: 'Spans or writes dropped by a bounded queue or an internal error, by reason.',
    });
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
