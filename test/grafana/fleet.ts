// App instances for the end-to-end test: each one a real TracerProvider with an
// LlmCostSpanProcessor, a MeterProvider and a PrometheusExporter served over HTTP.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { SpanStatusCode } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { calcPrice } from '@pydantic/genai-prices';
import { LlmCostSpanProcessor, llmCostViews } from '../../src/index.js';
import type { BudgetConfig } from '../../src/index.js';

/** One LLM call of the workload, as an instrumentation would report it. */
export interface Call {
  provider: string;
  model: string;
  /** All input tokens, cache reads included (current GenAI semconv). */
  input: number;
  cacheRead?: number;
  output: number;
  agent: string;
  /** error.type of a failed call (it still reports the tokens it used). */
  error?: string;
}

/** The catalog price of a call, or undefined for a model the catalog does not know. */
export function priceOf(call: Call): number | undefined {
  const usage = { input_tokens: call.input, cache_read_tokens: call.cacheRead ?? 0, output_tokens: call.output };
  return calcPrice(usage, call.model, { providerId: call.provider })?.total_price;
}

export function spanAttributes(call: Call): Attributes {
  const attrs: Attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': call.provider,
    'gen_ai.request.model': call.model,
    'gen_ai.usage.input_tokens': call.input,
    'gen_ai.usage.output_tokens': call.output,
    'gen_ai.agent.name': call.agent,
  };
  if (call.cacheRead !== undefined) attrs['gen_ai.usage.cache_read.input_tokens'] = call.cacheRead;
  if (call.error !== undefined) attrs['error.type'] = call.error;
  return attrs;
}

export class AppInstance {
  private constructor(
    readonly serviceName: string,
    readonly target: string,
    private readonly server: Server,
    private readonly tracerProvider: BasicTracerProvider,
    private readonly meterProvider: MeterProvider,
  ) {}

  static async start(serviceName: string, budgets: BudgetConfig[]): Promise<AppInstance> {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const meterProvider = new MeterProvider({ readers: [exporter], views: llmCostViews() });
    const processor = new LlmCostSpanProcessor({
      meterProvider,
      budgets,
      dimensions: ['gen_ai.agent.name'],
      store: ':memory:',
    });
    const tracerProvider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      spanProcessors: [processor],
    });
    const server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    return new AppInstance(serviceName, `127.0.0.1:${port}`, server, tracerProvider, meterProvider);
  }

  emit(call: Call): void {
    const span = this.tracerProvider
      .getTracer('e2e-instrumentation', '1.0.0')
      .startSpan(`chat ${call.model}`, { attributes: spanAttributes(call) });
    if (call.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: call.error });
    span.end();
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
    await this.tracerProvider.shutdown();
    await this.meterProvider.shutdown();
  }
}
