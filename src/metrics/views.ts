import type { ViewOptions } from '@opentelemetry/sdk-metrics';
import { DEFAULT_CARDINALITY_LIMIT, METER_NAME } from '../semconv.js';

export interface LlmCostViewsOptions {
  /** Max distinct label sets per instrument of this package. Default: 2000. */
  cardinalityLimit?: number;
}

/**
 * Views to pass to `new MeterProvider({ views })`: a cardinality limit on every
 * instrument of this package's meter (overflow goes to otel.metric.overflow=true).
 * Histogram buckets come from instrument advice, so no view is needed for them.
 */
export function llmCostViews(options: LlmCostViewsOptions = {}): ViewOptions[] {
  return [
    {
      meterName: METER_NAME,
      instrumentName: '*',
      aggregationCardinalityLimit: options.cardinalityLimit ?? DEFAULT_CARDINALITY_LIMIT,
    },
  ];
}
