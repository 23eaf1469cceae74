import type { ViewOptions } from '@opentelemetry/sdk-metrics';
import { DEFAULT_CARDINALITY_LIMIT, METER_NAME } from '../semconv.js';

export interface LlmCostViewsOptions {
  /** Max distinct common label sets (see LlmCostOptions.cardinalityLimit). Default: 2000. */
  cardinalityLimit?: number;
}

// One label set fans out into up to 5 token types x priced true/false, and error types.
const SERIES_PER_LABEL_SET = 10;

/**
 * Views to pass to `new MeterProvider({ views })`. The processor itself folds label sets
 * past `cardinalityLimit` into otel.metric.overflow=true, the same set for every
 * instrument so that cost, tokens and requests stay comparable; this view raises the
 * SDK's own per-instrument limit (default 2000 series) above that, so the SDK does not
 * overflow a different, per-instrument subset first. It stays as a backstop.
 */
export function llmCostViews(options: LlmCostViewsOptions = {}): ViewOptions[] {
  const labelSets = options.cardinalityLimit ?? DEFAULT_CARDINALITY_LIMIT;
  return [
    {
      meterName: METER_NAME,
      instrumentName: '*',
      aggregationCardinalityLimit: (labelSets + 1) * SERIES_PER_LABEL_SET,
    },
  ];
}
