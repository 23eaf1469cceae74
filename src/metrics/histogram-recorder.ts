import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import type { DeferredRecords } from './deferred-records.js';

/** One histogram of the metrics contract: name, unit, help text and bucket boundaries. */
export interface HistogramSpec {
  name: string;
  unit: string;
  description: string;
  boundaries: readonly number[];
}

/**
 * Where a histogram's values go. Callers pass attribute objects they built once per series
 * and reuse: an implementation may key its state on the object itself.
 */
export interface HistogramRecorder {
  record(value: number, attributes: Attributes): void;
}

export interface HistogramFactory {
  create(spec: HistogramSpec): HistogramRecorder;
}

/** SDK histograms on the caller's meter, recorded at collection time through `deferred`. */
export function sdkHistograms(meter: Meter, deferred: DeferredRecords): HistogramFactory {
  return {
    create(spec: HistogramSpec): HistogramRecorder {
      const histogram: Histogram = meter.createHistogram(spec.name, {
        unit: spec.unit,
        description: spec.description,
        advice: { explicitBucketBoundaries: [...spec.boundaries] },
      });
      return { record: (value, attributes) => deferred.push(histogram, value, attributes) };
    },
  };
}
