// The setup every example shares: the mock LLM, a tracer provider with the instrumentations
// and LlmCostSpanProcessor, a MeterProvider behind a real Prometheus /metrics endpoint, and
// an in-memory copy of every finished span (to show what the library emitted).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { LlmCostSpanProcessor, llmCostViews } from '../../src/index.js';
import { LATE_ATTRIBUTE_SCOPES } from '../../src/extract/candidate.js';
import { CostPipeline } from '../../src/pipeline.js';
import { spanInputFromReadable } from '../../src/readable-span.js';
import { validateOptions } from '../../src/options-validate.js';
import type { LlmCostOptions, PricedCall } from '../../src/index.js';
import { startMockLlm, type MockLlmServer } from '../mock-llm/server.js';
import { excerpt } from './prometheus.js';

export interface ExampleOptions {
  /** service.name of the app's resource. */
  serviceName: string;
  /** Instrumentations to register before the instrumented library is loaded. */
  instrumentations: unknown[];
  /** Extra span processors (e.g. an OTLP exporter towards the collector). */
  spanProcessors?: SpanProcessor[];
  /** Add LlmCostSpanProcessor to the tracer provider. Default true. */
  inProcess?: boolean;
  /** Options of that processor (and of pricedCalls' replay), e.g. dimensions. Default: none. */
  processorOptions?: Omit<LlmCostOptions, 'meterProvider'>;
}

export interface Example {
  mock: MockLlmServer;
  tracerProvider: NodeTracerProvider;
  meterProvider: MeterProvider;
  /** Every finished span, in end order. */
  spans: InMemorySpanExporter;
  processor: LlmCostSpanProcessor | undefined;
  /** http://127.0.0.1:PORT/metrics of the app's Prometheus endpoint. */
  metricsUrl: string;
  scrape(): Promise<string>;
  /** The llm_* lines of /metrics (histogram buckets left out). */
  metricsExcerpt(): Promise<string>;
  /**
   * Replays the finished spans through a fresh CostPipeline (the processor's own code path)
   * and returns each counted call with its price, in end order. `options` go to that
   * pipeline (e.g. `{ dedupeUnnestedCopies: false }`); the processor keeps the defaults.
   */
  pricedCalls(options?: Omit<LlmCostOptions, 'meterProvider'>): PricedCall[];
  shutdown(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
}

export async function startExample(options: ExampleOptions): Promise<Example> {
  const mock = await startMockLlm();
  const resource = resourceFromAttributes({ 'service.name': options.serviceName });
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ resource, views: llmCostViews(), readers: [prometheus] });
  const metricsServer = createServer((req, res) => {
    if (req.url === '/metrics') prometheus.getMetricsRequestHandler(req, res);
    else res.writeHead(404).end();
  });
  const metricsUrl = `http://127.0.0.1:${await listen(metricsServer)}/metrics`;

  const spans = new InMemorySpanExporter();
  const processor = options.inProcess === false ? undefined : new LlmCostSpanProcessor({ ...options.processorOptions, meterProvider });
  const tracerProvider = new NodeTracerProvider({
    resource,
    spanProcessors: [...(processor ? [processor] : []), new SimpleSpanProcessor(spans), ...(options.spanProcessors ?? [])],
  });
  tracerProvider.register();
  const unloadInstrumentations = registerInstrumentations({
    instrumentations: options.instrumentations as Instrumentation[],
    tracerProvider,
    meterProvider,
  });

  const scrape = async (): Promise<string> => (await fetch(metricsUrl)).text();
  return {
    mock,
    tracerProvider,
    meterProvider,
    spans,
    processor,
    metricsUrl,
    scrape,
    metricsExcerpt: async () => excerpt(await scrape(), ['llm_cost_usd', 'llm_tokens', 'llm_requests']),
    pricedCalls: (pipelineOptions = {}) => {
      const recorded: PricedCall[] = [];
      const pipeline = new CostPipeline(validateOptions({ ...options.processorOptions, ...pipelineOptions, meterProvider: new MeterProvider() }), {
        onRecorded: (call) => recorded.push(call),
      });
      replaySpans(pipeline, spans.getFinishedSpans());
      // Records the calls still held for a copy (none once every span has ended).
      void pipeline.shutdown();
      return recorded;
    },
    shutdown: async () => {
      unloadInstrumentations();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      metricsServer.closeAllConnections();
      await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      await mock.close();
    },
  };
}

function hrTimeToMs(t: readonly [number, number]): number {
  return t[0] * 1000 + t[1] / 1e6;
}

/**
 * Feeds finished spans to a pipeline as the processor saw them: each span's start (onStart)
 * before the first span end at or after it, and the ends in the order they happened. The SDK
 * takes start times in whole ms, so a start may come a little earlier than it happened.
 */
function replaySpans(pipeline: CostPipeline, finished: readonly ReadableSpan[]): void {
  const byStart = [...finished].sort((a, b) => hrTimeToMs(a.startTime) - hrTimeToMs(b.startTime));
  let next = 0;
  for (const span of finished) {
    const endMs = hrTimeToMs(span.endTime);
    for (; next < byStart.length && hrTimeToMs(byStart[next]!.startTime) <= endMs; next++) {
      const started = byStart[next]!;
      // The final attributes stand in for those at start, except for emitters that set them all at the end.
      const scope = started.instrumentationScope.name;
      const attributes = LATE_ATTRIBUTE_SCOPES.has(scope) ? {} : started.attributes;
      pipeline.start(started.spanContext().spanId, started.spanContext().traceId, started.parentSpanContext?.spanId, attributes, scope);
    }
    pipeline.handle(spanInputFromReadable(span));
  }
}
