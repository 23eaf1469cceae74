import { ValueType } from '@opentelemetry/api';
import type { Attributes, HrTime } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import type { CollectionResult, MetricData, MetricProducer } from '@opentelemetry/sdk-metrics';
import type { HistogramFactory, HistogramRecorder, HistogramSpec } from './histogram-recorder.js';

/** Cumulative state of one series. counts[i] holds values <= boundaries[i]; the last, the rest. */
interface Cell {
  attributes: Attributes;
  startTime: HrTime;
  counts: Float64Array;
  count: number;
  sum: number;
  min: number;
  max: number;
}

function now(): HrTime {
  const ms = Date.now();
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}

/** Index of the first boundary >= value (the SDK's explicit-bucket rule), or boundaries.length. */
function bucketOf(boundaries: readonly number[], value: number): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (boundaries[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class AggregatedHistogram implements HistogramRecorder {
  // Keyed by the attribute object itself: callers build each series' object once, so a
  // record is an identity lookup instead of the SDK's per-record attribute hashing.
  readonly cells = new Map<Attributes, Cell>();

  constructor(readonly spec: HistogramSpec) {}

  record(value: number, attributes: Attributes): void {
    // The SDK drops negative and NaN histogram values; so does this.
    if (!(value >= 0)) return;
    let cell = this.cells.get(attributes);
    if (cell === undefined) {
      cell = { attributes, startTime: now(), counts: new Float64Array(this.spec.boundaries.length + 1), count: 0, sum: 0, min: Infinity, max: -Infinity };
      this.cells.set(attributes, cell);
    }
    cell.counts[bucketOf(this.spec.boundaries, value)]!++;
    cell.count++;
    cell.sum += value;
    if (value < cell.min) cell.min = value;
    if (value > cell.max) cell.max = value;
  }

  toMetricData(endTime: HrTime): MetricData {
    const boundaries = [...this.spec.boundaries];
    return {
      descriptor: { name: this.spec.name, unit: this.spec.unit, description: this.spec.description, valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: [...this.cells.values()].map((c) => ({
        attributes: c.attributes,
        startTime: c.startTime,
        endTime,
        value: {
          buckets: { boundaries, counts: Array.from(c.counts) },
          count: c.count,
          sum: c.sum,
          min: c.min,
          max: c.max,
        },
      })),
    };
  }
}

/**
 * Histograms aggregated here and handed to a MetricReader as a MetricProducer
 * (`new PrometheusExporter({ metricProducers: [producer] })`), for a process that owns its
 * reader (the collector). Same names, buckets and cumulative data as the SDK instruments,
 * without the SDK's per-record cost; the reader merges them under the given scope.
 */
export class HistogramProducer implements MetricProducer, HistogramFactory {
  private readonly histograms: AggregatedHistogram[] = [];

  constructor(private readonly scope: { name: string; version?: string }) {}

  create(spec: HistogramSpec): HistogramRecorder {
    const histogram = new AggregatedHistogram(spec);
    this.histograms.push(histogram);
    return histogram;
  }

  async collect(): Promise<CollectionResult> {
    const endTime = now();
    const metrics = this.histograms.filter((h) => h.cells.size > 0).map((h) => h.toMetricData(endTime));
    return {
      // MetricReader.collect keeps its SDK producer's resource and takes only scopeMetrics from here.
      resourceMetrics: { resource: undefined as unknown as CollectionResult['resourceMetrics']['resource'], scopeMetrics: metrics.length === 0 ? [] : [{ scope: this.scope, metrics }] },
      errors: [],
    };
  }
}
