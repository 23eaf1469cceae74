import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { DeferredRecords } from '../../src/metrics/deferred-records.js';

function histogramFixture() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('t');
  const histogram = meter.createHistogram('h', { advice: { explicitBucketBoundaries: [1, 10] } });
  const deferred = new DeferredRecords(3);
  // The flush runs where the processor runs it: in an observable callback, before collection.
  meter.createObservableGauge('g').addCallback(() => deferred.flush());
  const count = async (): Promise<number> => {
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics[0]?.metrics.find((m) => m.descriptor.name === 'h') as HistogramMetricData | undefined;
    return metric?.dataPoints.reduce((n, p) => n + p.value.count, 0) ?? 0;
  };
  return { histogram, deferred, count, provider };
}

describe('DeferredRecords', () => {
  it('replays held values into the histogram before the collection reads it', async () => {
    const { histogram, deferred, count, provider } = histogramFixture();
    deferred.push(histogram, 0.5, { a: 'x' });
    deferred.push(histogram, 5, { a: 'x' });
    expect(deferred.pending).toBe(2);
    expect(await count()).toBe(2);
    expect(deferred.pending).toBe(0);
    await provider.shutdown();
  });

  it('records at once when the buffer is full, so memory stays bounded without a reader', () => {
    const values: number[] = [];
    const histogram = { record: (v: number) => values.push(v) } as never;
    const deferred = new DeferredRecords(3);
    for (let i = 1; i <= 7; i++) deferred.push(histogram, i, {});
    expect(values).toEqual([1, 2, 3, 4, 5, 6]);
    expect(deferred.pending).toBe(1);
  });
});
