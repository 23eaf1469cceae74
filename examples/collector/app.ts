// The same app two ways at once: LlmCostSpanProcessor in-process, and an OTLP exporter
// sending every span to `otel-llm-cost serve`. Both must export the same cost metrics.
// The app mixes the Vercel AI SDK (multi-step agent) and the openai client with the
// contrib instrumentation (streaming), so the collector sees wrappers and streams too.
import { createRequire } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { startExample, type Example } from '../shared/harness.js';
import { runOpenAiCalls, type OpenAiModule } from '../shared/openai-calls.js';
import { parsePrometheus, type Sample } from '../shared/prometheus.js';
import { runVercelCalls } from '../shared/vercel-calls.js';
import { spawnCollector, type CollectorProcess } from './collector-process.js';

export const SERVICE_NAME = 'support-bot-collector-demo';

export interface CollectorExample {
  example: Example;
  collector: CollectorProcess;
  scrapeCollector(): Promise<string>;
  shutdown(): Promise<void>;
}

export const COMPARED_METRICS = ['llm_cost_usd_total', 'llm_tokens_total', 'llm_requests_total', 'llm_request_cost_usd_sum', 'llm_request_cost_usd_count'];

/** name{labels} -> value for the compared metrics, labels in sorted order. */
export function seriesMap(samples: Sample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (!COMPARED_METRICS.includes(s.name)) continue;
    const labels = Object.keys(s.labels)
      .sort()
      .map((k) => `${k}="${s.labels[k] as string}"`)
      .join(',');
    out.set(`${s.name}{${labels}}`, s.value);
  }
  return out;
}

/** Polls the collector until it has counted `requests` calls (OTLP delivery is asynchronous). */
export async function waitForRequests(scrape: () => Promise<string>, requests: number, timeoutMs = 15_000): Promise<Sample[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const samples = parsePrometheus(await scrape());
    const counted = samples.filter((s) => s.name === 'llm_requests_total').reduce((n, s) => n + s.value, 0);
    if (counted >= requests || Date.now() > deadline) return samples;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function runExample(): Promise<CollectorExample> {
  const collector = await spawnCollector();
  try {
    return await runApp(collector);
  } catch (err) {
    await collector.stop();
    throw err;
  }
}

async function runApp(collector: CollectorProcess): Promise<CollectorExample> {
  const otlp = new BatchSpanProcessor(new OTLPTraceExporter({ url: collector.otlpUrl }), { scheduledDelayMillis: 100 });
  const example = await startExample({ serviceName: SERVICE_NAME, instrumentations: [new OpenAIInstrumentation()], spanProcessors: [otlp] });
  const { OpenAI } = createRequire(import.meta.url)('openai') as OpenAiModule;
  await runOpenAiCalls(new OpenAI({ apiKey: 'sk-mock', baseURL: example.mock.openAiBaseUrl }));
  await runVercelCalls(example.mock.openAiBaseUrl, example.tracerProvider.getTracer('support-bot'));
  await example.tracerProvider.forceFlush();
  return {
    example,
    collector,
    scrapeCollector: async () => (await fetch(collector.metricsUrl)).text(),
    shutdown: async () => {
      await example.shutdown();
      await collector.stop();
    },
  };
}
