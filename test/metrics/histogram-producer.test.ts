// The collector's own histogram aggregation (HistogramProducer) must expose exactly what the
// SDK histograms expose for the same calls: same names, HELP/TYPE, labels, buckets, sums.
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { HistogramProducer } from '../../src/metrics/histogram-producer.js';
import { llmCostViews } from '../../src/metrics/views.js';
import { CostPipeline } from '../../src/pipeline.js';
import { METER_NAME } from '../../src/semconv.js';
import { VERSION } from '../../src/version.js';
import { emitSpans } from '../fixtures/spans.js';
import type { SpanSpec } from '../fixtures/spans.js';

function chat(name: string, model: string, input: number, output: number, extra: Record<string, string | number> = {}, error?: string): SpanSpec {
  return {
    name,
    scope: { name: '@opentelemetry/instrumentation-openai' },
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': model,
      'gen_ai.usage.input_tokens': input,
      'gen_ai.usage.output_tokens': output,
      ...extra,
    },
    ...(error === undefined ? {} : { error }),
  };
}

// Token counts on bucket boundaries (256, 1024, 16384), zero, an unknown model (unpriced),
// errors, and durations (1 ms apart by the fixture) across services.
const workload: SpanSpec[] = [
  chat('a', 'gpt-4o', 256, 1024),
  chat('b', 'gpt-4o', 1000, 0),
  chat('c', 'gpt-4o-mini', 16384, 257),
  chat('d', 'no-such-model-xyz', 10, 10),
  chat('e', 'gpt-4o', 5, 5, {}, 'timeout'),
  chat('f', 'gpt-4o', 3, 1, { 'error.type': 'rate_limited' }, 'rate limited'),
  chat('g', 'gpt-4.1', 400_000, 70_000),
];

async function exposition(useProducer: boolean): Promise<string> {
  const producer = new HistogramProducer({ name: METER_NAME, version: VERSION });
  const exporter = new PrometheusExporter({ preventServerStart: true, ...(useProducer ? { metricProducers: [producer] } : {}) });
  const meterProvider = new MeterProvider({ views: llmCostViews(), readers: [exporter] });
  const pipeline = new CostPipeline({ meterProvider, genAiMetrics: true, analytics: false }, useProducer ? { histograms: producer } : {});
  for (const service of ['checkout', 'search']) {
    const run = emitSpans({ name: 'root', scope: { name: 'app' }, children: workload }, { serviceName: service });
    pipeline.handleBatch(run.inputs);
    for (const span of run.inputs) pipeline.handle({ ...span, spanId: `${span.spanId}x`, parentSpanId: undefined });
  }
  const { resourceMetrics } = await exporter.collect();
  await meterProvider.shutdown();
  return new PrometheusSerializer().serialize(resourceMetrics);
}

/** Metric families keyed by name: HELP/TYPE/UNIT header lines and the sorted sample lines. */
function families(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const block of text.trim().split(/\n(?=# HELP )/)) {
    const lines = block.split('\n');
    const name = /^# HELP (\S+)/.exec(lines[0]!)![1]!;
    out.set(name, [...lines.filter((l) => l.startsWith('#')), ...lines.filter((l) => !l.startsWith('#')).sort()]);
  }
  return out;
}

describe('HistogramProducer', () => {
  it('exposes the same histograms as the SDK instruments, line for line', async () => {
    const sdk = families(await exposition(false));
    const own = families(await exposition(true));
    const histograms = ['llm_request_cost_usd', 'gen_ai_client_token_usage', 'gen_ai_client_operation_duration'];
    for (const name of histograms) {
      expect(own.get(name), name).toEqual(sdk.get(name));
      expect(sdk.get(name)!.length, name).toBeGreaterThan(10);
    }
    // And nothing else changed: the counters are the same families with the same lines.
    expect([...own.keys()].sort()).toEqual([...sdk.keys()].sort());
    for (const [name, lines] of sdk) expect(own.get(name), name).toEqual(lines);
  });

  it('counts a value equal to a boundary in that bucket, and ignores negative and NaN values', async () => {
    const producer = new HistogramProducer({ name: 'scope' });
    const h = producer.create({ name: 'h', unit: 's', description: 'd', boundaries: [1, 2, 4] });
    const attrs = { k: 'v' };
    for (const v of [0, 1, 1.5, 2, 4, 4.0001, 100, -1, Number.NaN]) h.record(v, attrs);
    const { resourceMetrics } = await producer.collect();
    const point = resourceMetrics.scopeMetrics[0]!.metrics[0]!.dataPoints[0]!;
    expect(point.value).toEqual({ buckets: { boundaries: [1, 2, 4], counts: [2, 2, 1, 2] }, count: 7, sum: 0 + 1 + 1.5 + 2 + 4 + 4.0001 + 100, min: 0, max: 100 });
    expect(point.attributes).toBe(attrs);
  });

  it('exposes nothing before the first value', async () => {
    const producer = new HistogramProducer({ name: 'scope' });
    producer.create({ name: 'h', unit: 's', description: 'd', boundaries: [1] });
    expect((await producer.collect()).resourceMetrics.scopeMetrics).toEqual([]);
  });
});
