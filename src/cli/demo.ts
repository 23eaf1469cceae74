import { parseArgs } from 'node:util';
import { trace } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { llmCostViews } from '../metrics/views.js';
import { LlmCostSpanProcessor } from '../processor.js';
import { serveUsagePage } from '../usage-page/serve.js';
import type { UsagePageServer } from '../usage-page/serve.js';
import { argsErrorMessage } from './args.js';
import { loadDemoSdk } from './demo-sdk.js';
import { emitAgentRun } from './demo-workload.js';

const USAGE = `Usage: otel-llm-cost demo [--port 9464] [--host 127.0.0.1] [--runs 40] [--interval-ms 5000]

Pushes a realistic mixed LLM workload (several providers and span dialects, cached and
reasoning tokens, an unknown model, agent wrapper spans) through LlmCostSpanProcessor and
serves the usage page (at /) and the Prometheus metrics (at /metrics) until Ctrl-C.`;

export async function runDemo(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const options = {
    port: { type: 'string', default: process.env.PORT ?? '9464' },
    host: { type: 'string', default: '127.0.0.1' },
    runs: { type: 'string', default: '40' },
    'interval-ms': { type: 'string', default: '5000' },
    help: { type: 'boolean', default: false },
  } as const;
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof options }>>['values'];
  try {
    ({ values } = parseArgs({ args: argv, options }));
  } catch (err) {
    return usageError(out, argsErrorMessage(err, options));
  }
  if (values.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const port = Number(values.port);
  const runs = Number(values.runs);
  const intervalMs = Number(values['interval-ms']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usageError(out, `--port must be 0-65535, got ${values.port}`);
  if (!Number.isInteger(runs) || runs < 1) return usageError(out, `--runs must be a positive integer, got ${values.runs}`);
  if (!Number.isInteger(intervalMs) || intervalMs < 100) return usageError(out, '--interval-ms must be at least 100');

  const { PrometheusExporter, TracerProvider, resourceFromAttributes } = await loadDemoSdk();
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({
    readers: [exporter],
    views: llmCostViews(),
    resource: resourceFromAttributes({ 'service.name': 'otel-llm-cost-demo' }),
  });
  const processor = new LlmCostSpanProcessor({
    meterProvider,
    budgets: [
      { name: 'daily-demo', limitUsd: 2.5, period: 'day', warnAt: [0.5, 0.8] },
      { name: 'monthly-openai', limitUsd: 50, period: 'month', match: { 'gen_ai.provider.name': 'openai' } },
    ],
    dimensions: ['gen_ai.agent.name'],
  });
  const tracerProvider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'research-agent' }),
    spanProcessors: [processor],
  });
  const tracer = tracerProvider.getTracer('otel-llm-cost-demo');
  trace.setGlobalTracerProvider(tracerProvider);

  let page: UsagePageServer;
  try {
    page = await serveUsagePage(processor, { port, host: values.host, prometheusExporter: exporter });
  } catch (err) {
    out.write(`Cannot listen on ${values.host}:${port}: ${(err as Error).message}\nPick another port: npm start -- --port 9465\n`);
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
    return 1;
  }

  for (let run = 0; run < runs; run++) emitAgentRun(tracer, run);
  await processor.forceFlush();
  const stats = processor.pipeline.stats;
  out.write(`otel-llm-cost demo: ${runs} agent runs, ${stats.spans} spans -> ${stats.counted} LLM calls counted ` +
    `(${stats.priced} priced, ${stats.unpriced} unpriced)\n\n`);
  out.write(`${processor.analytics.summary()}\n\n`);
  out.write(`Usage page:         ${page.url}\n`);
  out.write(`Prometheus metrics: ${page.url}metrics\n`);
  out.write(`(one more agent run every ${intervalMs} ms; Ctrl-C to stop)\n`);

  let run = runs;
  const timer = setInterval(() => emitAgentRun(tracer, run++), intervalMs);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(timer);
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  await page.close();
  out.write('stopped\n');
  return 0;
}

function usageError(out: NodeJS.WritableStream, message: string): number {
  out.write(`${message}\n\n${USAGE}\n`);
  return 2;
}
