import { context, diag, DiagLogLevel, metrics, trace } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { LlmCostSpanProcessor, llmCostViews } from '../../src/index.js';

// The processor must find the app's meter provider whatever the order of set-up: NodeSDK
// builds the processor (spanProcessors) before start() registers the meter provider.

const CALL = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.response.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 1000,
  'gen_ai.usage.output_tokens': 500,
};
// OpenAI list price for gpt-4o: $2.50 / $10 per million input / output tokens.
const CALL_USD = 0.0075;
const COST_LINE = /^llm_cost_usd_total\{[^}]*gen_ai_request_model="gpt-4o"[^}]*\} (\S+)$/m;
const BUDGET_LINE = /^llm_budget_limit_usd\{[^}]*llm_budget_name="monthly"[^}]*\} (\S+)$/m;

async function exposition(exporter: PrometheusExporter): Promise<string> {
  const { resourceMetrics, errors } = await exporter.collect();
  expect(errors).toEqual([]);
  return new PrometheusSerializer().serialize(resourceMetrics);
}

function costOf(text: string): number | undefined {
  const m = COST_LINE.exec(text);
  return m ? Number(m[1]) : undefined;
}

function emitCall(tracerProvider: { getTracer(name: string): ReturnType<typeof trace.getTracer> }, n = 1): void {
  for (let i = 0; i < n; i++) tracerProvider.getTracer('app').startSpan('chat gpt-4o', { attributes: CALL }, context.active()).end();
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  metrics.disable();
  trace.disable();
  diag.disable();
});

function plain(processor: LlmCostSpanProcessor, meterProvider: MeterProvider): BasicTracerProvider {
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [processor] });
  cleanups.push(async () => {
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });
  return tracerProvider;
}

describe('set-up order', () => {
  it('processor built before the meter provider is registered globally', async () => {
    const processor = new LlmCostSpanProcessor({ budgets: [{ name: 'monthly', limitUsd: 500, period: 'month' }] });
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const meterProvider = new MeterProvider({ readers: [exporter], views: llmCostViews() });
    metrics.setGlobalMeterProvider(meterProvider);
    emitCall(plain(processor, meterProvider), 2);
    const text = await exposition(exporter);
    expect(costOf(text)).toBeCloseTo(2 * CALL_USD, 12);
    expect(Number(BUDGET_LINE.exec(text)?.[1])).toBe(500);
  });

  it('calls ended before any meter provider exists are exported once one is registered', async () => {
    const processor = new LlmCostSpanProcessor();
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const meterProvider = new MeterProvider({ readers: [exporter], views: llmCostViews() });
    const tracerProvider = plain(processor, meterProvider);
    emitCall(tracerProvider, 3);
    // A synchronous instrument (the invalid-value counter) measured before binding is held.
    tracerProvider.getTracer('app').startSpan('chat gpt-4o', { attributes: { ...CALL, 'gen_ai.usage.output_tokens': 'many' } }).end();
    metrics.setGlobalMeterProvider(meterProvider);
    emitCall(tracerProvider, 1);
    const text = await exposition(exporter);
    expect(costOf(text)).toBeCloseTo(4 * CALL_USD, 12);
    expect(text).toMatch(/^llm_cost_spans_invalid_total\{reason="invalid_value"[^}]*\} 1$/m);
    expect(processor.analytics.byModel({ hours: 1 }).map((r) => r.calls)).toEqual([5]);
  });

  it('processor built after the meter provider is registered globally', async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const meterProvider = new MeterProvider({ readers: [exporter], views: llmCostViews() });
    metrics.setGlobalMeterProvider(meterProvider);
    const processor = new LlmCostSpanProcessor();
    emitCall(plain(processor, meterProvider));
    expect(costOf(await exposition(exporter))).toBeCloseTo(CALL_USD, 12);
  });

  it('processor given a meterProvider, none registered globally', async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const meterProvider = new MeterProvider({ readers: [exporter], views: llmCostViews() });
    const processor = new LlmCostSpanProcessor({ meterProvider });
    emitCall(plain(processor, meterProvider));
    expect(costOf(await exposition(exporter))).toBeCloseTo(CALL_USD, 12);
  });

  it('inside NodeSDK: spanProcessors + metricReader (PrometheusExporter) + views', async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const processor = new LlmCostSpanProcessor({ budgets: [{ name: 'monthly', limitUsd: 500, period: 'month' }] });
    const sdk = new NodeSDK({ spanProcessors: [processor], metricReaders: [exporter], views: llmCostViews(), autoDetectResources: false });
    sdk.start();
    cleanups.push(() => sdk.shutdown());
    // The budget gauges are there at the first scrape, before any LLM call.
    await new Promise((r) => setImmediate(r));
    const before = await exposition(exporter);
    expect(Number(BUDGET_LINE.exec(before)?.[1])).toBe(500);
    expect(costOf(before)).toBeUndefined();
    for (let i = 0; i < 3; i++) trace.getTracer('app').startSpan('chat gpt-4o', { attributes: CALL }).end();
    const text = await exposition(exporter);
    expect(costOf(text)).toBeCloseTo(3 * CALL_USD, 12);
    expect(text).toMatch(/^llm_tokens_total\{[^}]*llm_token_type="output"[^}]*\} 1500$/m);
    expect(text).toMatch(/^llm_requests_total\{[^}]*llm_priced="true"[^}]*\} 3$/m);
  });

  it('says once through diag when no meter provider is ever registered', async () => {
    const warnings: string[] = [];
    const logger: DiagLogger = {
      error: () => {}, info: () => {}, debug: () => {}, verbose: () => {},
      warn: (...args: unknown[]) => warnings.push(args.join(' ')),
    };
    diag.setLogger(logger, DiagLogLevel.WARN);
    const processor = new LlmCostSpanProcessor();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [processor] });
    cleanups.push(() => tracerProvider.shutdown());
    emitCall(tracerProvider, 5);
    await new Promise((r) => setImmediate(r));
    emitCall(tracerProvider, 5);
    await tracerProvider.shutdown();
    const told = warnings.filter((w) => w.includes('no MeterProvider is registered'));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('pass meterProvider to LlmCostSpanProcessor');
    // The calls are still counted where no meter is needed.
    const [row, ...more] = processor.analytics.byModel({ hours: 1 });
    expect(more).toEqual([]);
    expect(row!.calls).toBe(10);
    expect(row!.costUsd).toBeCloseTo(10 * CALL_USD, 12);
  });
});
