import { context, trace } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { LlmCostSpanProcessor, llmCostViews } from '../../src/index.js';
import type { LlmCostOptions } from '../../src/index.js';

export interface Harness {
  processor: LlmCostSpanProcessor;
  /** Starts a span (child of `parent` when given); end it yourself. */
  start(name: string, attributes: Attributes, parent?: Span, scope?: string): Span;
  /** Starts and ends a span at once. */
  emit(name: string, attributes: Attributes, parent?: Span, scope?: string): Span;
  /** The Prometheus exposition text of everything recorded so far, from the real exporter. */
  exposition(): Promise<string>;
  /** The value of one sample line, e.g. value('llm_cost_usd_total', { gen_ai_request_model: 'gpt-4o' }) summed over matching series. */
  value(metric: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

/** A real TracerProvider + MeterProvider + PrometheusExporter around one LlmCostSpanProcessor. */
export function createHarness(options: Omit<LlmCostOptions, 'meterProvider'> = {}, serviceName = 'checkout'): Harness {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter], views: llmCostViews({ cardinalityLimit: options.cardinalityLimit }) });
  const processor = new LlmCostSpanProcessor({ ...options, meterProvider });
  const tracerProvider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'deployment.environment.name': 'test', team: 'search' }),
    spanProcessors: [processor],
  });
  const start = (name: string, attributes: Attributes, parent?: Span, scope = 'test-instrumentation'): Span => {
    const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
    return tracerProvider.getTracer(scope, '1.0.0').startSpan(name, { attributes }, ctx);
  };
  const exposition = async (): Promise<string> => {
    const { resourceMetrics } = await exporter.collect();
    return new PrometheusSerializer().serialize(resourceMetrics);
  };
  return {
    processor,
    start,
    emit(name, attributes, parent, scope) {
      const span = start(name, attributes, parent, scope);
      span.end();
      return span;
    },
    exposition,
    async value(metric, labels = {}) {
      let total = 0;
      for (const line of (await exposition()).split('\n')) {
        const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
        if (!m || m[1] !== metric) continue;
        const set = parseLabels(m[3] ?? '');
        if (Object.entries(labels).every(([k, v]) => set[k] === v)) total += Number(m[4]);
      }
      return total;
    },
    async close() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** A gpt-4o chat call's span attributes: 1,000 input and 100 output tokens ($0.0035 at list prices). */
export const GPT_4O_CHAT = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 1000,
  'gen_ai.usage.output_tokens': 100,
} as const;
