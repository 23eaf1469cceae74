/**
 * Small programs written into a packed-package app and run there with the app's Node.
 * Each prints the Prometheus exposition of what it recorded (from the app's own
 * exporter-prometheus), so the test asserts exact numbers on what a scrape would show.
 *
 * The one LLM call they emit: openai gpt-4o, 1000 input and 500 output tokens. At the
 * public OpenAI list price ($2.50 / $10 per million tokens) that is $0.0075.
 */

export const CALL_COST_USD = 0.0075;

const CALL_ATTRIBUTES = `{
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.response.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 1000,
  'gen_ai.usage.output_tokens': 500,
}`;

/**
 * How the app wires the processor:
 * - given: `meterProvider` option, provider never registered globally;
 * - global-before: processor built first, the meter provider registered globally after;
 * - global-after: meter provider registered globally, then the processor built.
 */
export type PlainMode = 'given' | 'global-before' | 'global-after';

/** Plain providers, ESM. Works with SDK 2 (sdk-trace-base) and SDK 3 (sdk-trace). */
export function plainEsm(): string {
  return `import { metrics, trace } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { LlmCostSpanProcessor, llmCostViews } from 'otel-llm-cost';

const TracerProvider = await import('@opentelemetry/sdk-trace-base').then(
  (m) => m.BasicTracerProvider,
  () => import('@opentelemetry/sdk-trace').then((m) => m.TracerProvider),
);
const mode = process.argv[2];
const exporter = new PrometheusExporter({ preventServerStart: true });
const makeMeterProvider = () => new MeterProvider({ readers: [exporter], views: llmCostViews() });
let meterProvider;
if (mode === 'global-after') metrics.setGlobalMeterProvider(meterProvider = makeMeterProvider());
if (mode === 'given') meterProvider = makeMeterProvider();
const processor = new LlmCostSpanProcessor(mode === 'given' ? { meterProvider } : {});
if (mode === 'global-before') metrics.setGlobalMeterProvider(meterProvider = makeMeterProvider());
const tracerProvider = new TracerProvider({ spanProcessors: [processor] });
tracerProvider.getTracer('app').startSpan('chat gpt-4o', { attributes: ${CALL_ATTRIBUTES} }).end();
const { resourceMetrics } = await exporter.collect();
process.stdout.write(new PrometheusSerializer().serialize(resourceMetrics));
process.stdout.write('# analytics ' + JSON.stringify(processor.analytics.byModel({ hours: 1 }).map((r) => [r.model, r.calls, r.costUsd])) + '\\n');
await tracerProvider.shutdown();
await meterProvider.shutdown();
`;
}

/** Plain providers, CommonJS, meterProvider given. */
export function plainCjs(): string {
  return `const { PrometheusExporter, PrometheusSerializer } = require('@opentelemetry/exporter-prometheus');
const { MeterProvider } = require('@opentelemetry/sdk-metrics');
const { LlmCostSpanProcessor, llmCostViews } = require('otel-llm-cost');

let TracerProvider;
try {
  TracerProvider = require('@opentelemetry/sdk-trace-base').BasicTracerProvider;
} catch {
  TracerProvider = require('@opentelemetry/sdk-trace').TracerProvider;
}

async function main() {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter], views: llmCostViews() });
  const processor = new LlmCostSpanProcessor({ meterProvider });
  const tracerProvider = new TracerProvider({ spanProcessors: [processor] });
  tracerProvider.getTracer('app').startSpan('chat gpt-4o', { attributes: ${CALL_ATTRIBUTES} }).end();
  const { resourceMetrics } = await exporter.collect();
  process.stdout.write(new PrometheusSerializer().serialize(resourceMetrics));
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
}
main().catch((err) => { console.error(err); process.exitCode = 1; });
`;
}

/**
 * NodeSDK as most apps set it up: the processor in spanProcessors, a PrometheusExporter as
 * metricReader, the views; the processor is built before sdk.start() registers anything.
 */
export function nodeSdk(format: 'esm' | 'cjs'): string {
  const body = `
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const processor = new LlmCostSpanProcessor();
  const sdk = new NodeSDK({ spanProcessors: [processor], metricReaders: [exporter], views: llmCostViews() });
  sdk.start();
  trace.getTracer('app').startSpan('chat gpt-4o', { attributes: ${CALL_ATTRIBUTES} }).end();
  const { resourceMetrics } = await exporter.collect();
  process.stdout.write(new PrometheusSerializer().serialize(resourceMetrics));
  await sdk.shutdown();
`;
  if (format === 'esm') {
    return `import { trace } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { LlmCostSpanProcessor, llmCostViews } from 'otel-llm-cost';
${body}`;
  }
  return `const { trace } = require('@opentelemetry/api');
const { PrometheusExporter, PrometheusSerializer } = require('@opentelemetry/exporter-prometheus');
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { LlmCostSpanProcessor, llmCostViews } = require('otel-llm-cost');

(async () => {${body}})().catch((err) => { console.error(err); process.exitCode = 1; });
`;
}

/**
 * A TypeScript consumer. The @ts-expect-error lines make the check two-sided: if the
 * package's types were missing (everything `any`), they would be unused and tsc fails.
 */
export function typesConsumer(traceModule: string): string {
  return `import { LlmCostSpanProcessor, llmCostViews, priceCall, type LlmCostOptions, type ModelRow } from 'otel-llm-cost';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { SpanProcessor } from '${traceModule}';

const options: LlmCostOptions = {
  budgets: [{ name: 'monthly', limitUsd: 500, period: 'month', warnAt: [0.8] }],
  dimensions: ['gen_ai.agent.name'],
};
const meterProvider = new MeterProvider({ views: llmCostViews() });
const processor: SpanProcessor = new LlmCostSpanProcessor({ ...options, meterProvider });
const typed = new LlmCostSpanProcessor(options);
const rows: ModelRow[] = typed.analytics.byModel({ hours: 24 });
const cost: number = rows.reduce((sum, r) => sum + r.costUsd, 0);
const allowed: boolean = typed.budgets.check({ 'gen_ai.provider.name': 'openai' }).allowed;
const price: number | undefined = priceCall({ provider: 'openai', model: 'gpt-4o', inputTokens: 1000, outputTokens: 100 }).costUsd;

// @ts-expect-error limitUsd is a number
const wrongLimit: LlmCostOptions = { budgets: [{ name: 'm', limitUsd: 'five', period: 'month' }] };
// @ts-expect-error byModel takes an options object
typed.analytics.byModel(24);

export { processor, cost, allowed, wrongLimit };
`;
}

export const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": false,
    "types": ["node"]
  },
  "files": ["consumer.mts", "consumer.cts"]
}
`;
