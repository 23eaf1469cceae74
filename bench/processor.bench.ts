// A micro-benchmark: LlmCostSpanProcessor.onEnd alone on pre-built spans that are reused, with
// no dimensions and no exporter. It is a lower bound, useful to compare changes to the span
// path; what an app pays is app.bench.ts (fresh spans, exporter, dimensions, store flush).
// Issue 2 targets:
//   non-LLM span <= 0.3 us median; known-model LLM span, metrics included, <= 3 us and
//   >= 10x faster than calling genai-prices calcPrice per span (baseline, same run).
// "core" is extract -> dedupe -> price -> metrics (analytics: false); "default" adds the
// analytics engine with its in-memory store (issue 3 measures that part on its own).
import { calcPrice } from '@pydantic/genai-prices';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LlmCostSpanProcessor } from '../src/index.js';
import { fmtNs, medianNsPerOp, medianNsPerOpYielding, printTable } from './lib/measure.js';

// Spans are reused round-robin: a small working set keeps the heap (and GC) like an app's.
const N = 20_000;

function makeSpans(count: number, attrs: (i: number) => Record<string, string | number>): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('bench');
  for (let i = 0; i < count; i++) tracer.startSpan('span', { attributes: attrs(i) }).end();
  return exporter.getFinishedSpans();
}

const httpSpans = makeSpans(N, (i) => ({ 'http.request.method': 'GET', 'url.path': `/items/${i % 100}`, 'http.response.status_code': 200 }));
const models = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-flash'];
const providers = ['openai', 'openai', 'anthropic', 'gcp.gemini'];
const catalogIds = ['openai', 'openai', 'anthropic', 'google'];
const llmSpans = makeSpans(N, (i) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': providers[i % 4]!,
  'gen_ai.request.model': models[i % 4]!,
  'gen_ai.usage.input_tokens': 1000 + (i % 997),
  'gen_ai.usage.cache_read.input_tokens': 512,
  'gen_ai.usage.output_tokens': 100 + (i % 113),
}));

// A real reader, scraped every second as Prometheus would (between timed rounds): without
// a reader the SDK keeps no metric storage, and the scrape is when deferred histogram
// values are recorded.
const readers: PrometheusExporter[] = [];
const meterProvider = (): MeterProvider => {
  const reader = new PrometheusExporter({ preventServerStart: true });
  readers.push(reader);
  return new MeterProvider({ readers: [reader] });
};
const core = new LlmCostSpanProcessor({ meterProvider: meterProvider(), analytics: false });
const withAnalytics = new LlmCostSpanProcessor({ meterProvider: meterProvider() });
const scrape = setInterval(() => {
  for (const reader of readers) void reader.collect();
}, 1000);

const nonLlm = await medianNsPerOpYielding((i) => core.onEnd(httpSpans[i % N]!), 1000, 200);
const llmCore = await medianNsPerOpYielding((i) => core.onEnd(llmSpans[i % N]!), 1000, 200);
const llmDefault = await medianNsPerOpYielding((i) => withAnalytics.onEnd(llmSpans[i % N]!), 1000, 200);
const baseline = medianNsPerOp((i) => {
  const k = i % 4;
  calcPrice({ input_tokens: 1000 + (i % 997), cache_read_tokens: 512, output_tokens: 100 + (i % 113) }, models[k]!, { providerId: catalogIds[k]! });
}, 200, 100);

// What the deferral moves to the scrape: replaying histogram values (the SDK hashes each).
async function scrapeNs(calls: number): Promise<number> {
  await readers[0]!.collect();
  for (let i = 0; i < calls; i++) core.onEnd(llmSpans[i % N]!);
  const t0 = process.hrtime.bigint();
  await readers[0]!.collect();
  return Number(process.hrtime.bigint() - t0);
}
const scrapePerCall = ((await scrapeNs(20_000)) - (await scrapeNs(0))) / 20_000;

printTable([
  { case: 'onEnd, non-LLM span', median: fmtNs(nonLlm), target: '<= 0.3 us', met: nonLlm <= 300 ? 'yes' : 'NO' },
  { case: 'onEnd, LLM span, core path (metrics)', median: fmtNs(llmCore), target: '<= 3 us', met: llmCore <= 3000 ? 'yes' : 'NO' },
  { case: 'baseline: calcPrice per span', median: fmtNs(baseline), target: '', met: '' },
  { case: 'calcPrice / core onEnd', median: `${(baseline / llmCore).toFixed(1)}x`, target: '>= 10x', met: baseline / llmCore >= 10 ? 'yes' : 'NO' },
  { case: 'onEnd, LLM span, default (+ analytics, :memory:)', median: fmtNs(llmDefault), target: '', met: '' },
  { case: 'at the next scrape, per call (deferred histogram records)', median: fmtNs(scrapePerCall), target: '', met: '' },
  { case: 'analytics added per call (flush not included)', median: fmtNs(llmDefault - llmCore), target: '<= 2 us', met: llmDefault - llmCore <= 2000 ? 'yes' : 'NO' },
]);
clearInterval(scrape);
await core.shutdown();
await withAnalytics.shutdown();
