// What the OpenTelemetry SDK charges for one histogram value, alone: llm.request.cost.usd as
// the processor records it (its buckets, a common label set of the app bench: service,
// provider, request and response model, operation and one configured dimension, 80 label sets),
// through a real MeterProvider with the views of llmCostViews() and a Prometheus reader; and
// the SDK's hashAttributes() of the same label sets, which each record calls. This is the part
// of the metrics-only hot path that otel-llm-cost does not control (it records these values
// when the reader collects, not inside span.end(), but records each one).
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { hashAttributes } from '@opentelemetry/sdk-metrics/build/src/utils.js';
import { llmCostViews } from '../src/index.js';
import { METER_NAME, METRIC_REQUEST_COST, REQUEST_COST_BUCKETS_USD } from '../src/semconv.js';
import { printTable } from './lib/measure.js';

const N = 1_000_000;
const reader = new PrometheusExporter({ preventServerStart: true });
const provider = new MeterProvider({ readers: [reader], views: llmCostViews() });
const histogram = provider.getMeter(METER_NAME).createHistogram(METRIC_REQUEST_COST, { unit: 'USD', advice: { explicitBucketBoundaries: [...REQUEST_COST_BUCKETS_USD] } });
const models = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-flash'];
const labelSets = models.flatMap((model) => Array.from({ length: 20 }, (_, t) => ({
  'service.name': 'checkout',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': model,
  'gen_ai.response.model': model,
  'gen_ai.operation.name': 'chat',
  'app.tenant': `tenant-${t}`,
})));

const rows: Array<{ what: string; 'ns per value': string }> = [];
for (let round = 0; round < 3; round++) {
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) histogram.record(0.001 + (i % 1000) * 1e-6, labelSets[i % labelSets.length]);
  const record = Number(process.hrtime.bigint() - t0) / N;
  await reader.collect();
  t0 = process.hrtime.bigint();
  let length = 0;
  for (let i = 0; i < N; i++) length += hashAttributes(labelSets[i % labelSets.length]!).length;
  const hash = Number(process.hrtime.bigint() - t0) / N;
  if (length === 0) throw new Error('unreachable: keeps the hashing loop alive');
  if (round > 0) rows.push({ what: `histogram.record (round ${round})`, 'ns per value': record.toFixed(0) }, { what: `  of which hashAttributes (round ${round})`, 'ns per value': hash.toFixed(0) });
}
printTable(rows);
await provider.shutdown();
