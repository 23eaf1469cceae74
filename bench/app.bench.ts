// What the processor adds to an app (issue 16 targets): per request the app makes fresh spans
// through a real NodeTracerProvider (HTTP server root, a database query, an outbound HTTP call
// and one GenAI chat span with conversation and user ids and one configured dimension), a
// BatchSpanProcessor exports them (OTLP protobuf serialization, as the OTLP exporter does before
// sending), and a Prometheus reader is collected and serialized each second. The same app runs
// without the processor, with it (`analytics: false`) and with it by default on a file store, in
// alternating half-second slices (a shared host drifts by 10-20% over seconds). Each slice ends
// with the provider's forceFlush (export + store flush), inside the timed part. Time is the
// process's CPU time (all threads: GC helpers included), which other processes on a shared
// host disturb far less than wall time; wall time is shown too.
//
//   µs added per LLM span = (µs per request with the processor) - (µs per request without).
//   Targets: analytics: false <= 3 µs, default with a file store <= 5 µs.
//
// Options: `--measure S` seconds per case (default 8). `--baseline PATH` (repeatable): also run
// the processor from another build (e.g. a dist/index.js of an earlier commit), to compare in
// the same run.
// `--only TEXT`: run only the processor cases whose name contains TEXT (for a profile).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SpanKind } from '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import * as current from '../src/index.js';
import { printTable } from './lib/measure.js';

const { values } = parseArgs({
  options: {
    measure: { type: 'string', default: '8' },
    baseline: { type: 'string', multiple: true },
    only: { type: 'string' },
  },
});
const MEASURE_S = Number(values.measure);

/** The part of the package this bench uses, so that an earlier build can stand in. */
interface ProcessorModule {
  LlmCostSpanProcessor: new (options: Record<string, unknown>) => SpanProcessor;
  llmCostViews: () => unknown[];
}

/** Serializes each batch as the OTLP/protobuf exporter does, then drops it (no network). */
class SerializingExporter implements SpanExporter {
  bytes = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.bytes += ProtobufTraceSerializer.serializeRequest(spans as never)?.length ?? 0;
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-app-bench-'));
const resource = resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '2.3.1', 'deployment.environment.name': 'prod' });
const serializer = new PrometheusSerializer();

interface AppCase {
  name: string;
  provider: NodeTracerProvider;
  reader: PrometheusExporter;
  meterProvider: MeterProvider;
  server: Tracer;
  db: Tracer;
  client: Tracer;
  genai: Tracer;
  requests: number;
  /** CPU µs, and wall ns, spent in this case's slices. */
  cpuUs: number;
  ns: bigint;
  /** CPU ns per request of each round, for the spread. */
  rounds: number[];
}

let registered = false;
function makeCase(name: string, processor?: (meterProvider: MeterProvider) => SpanProcessor, views: unknown[] = []): AppCase {
  const reader = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ resource, readers: [reader], views: views as never });
  const spanProcessors: SpanProcessor[] = [new BatchSpanProcessor(new SerializingExporter(), { maxQueueSize: 8192, maxExportBatchSize: 512 })];
  if (processor !== undefined) spanProcessors.push(processor(meterProvider));
  const provider = new NodeTracerProvider({ resource, spanProcessors });
  // One context manager for the process (AsyncLocalStorage, as NodeSDK sets up).
  if (!registered) provider.register();
  registered = true;
  return {
    name,
    provider,
    reader,
    meterProvider,
    server: provider.getTracer('@opentelemetry/instrumentation-http', '0.200.0'),
    db: provider.getTracer('@opentelemetry/instrumentation-pg', '0.50.0'),
    client: provider.getTracer('@opentelemetry/instrumentation-undici', '0.10.0'),
    genai: provider.getTracer('@opentelemetry/instrumentation-openai', '0.5.0'),
    requests: 0,
    cpuUs: 0,
    ns: 0n,
    rounds: [],
  };
}

const models = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-flash'];
const providers = ['openai', 'openai', 'anthropic', 'gcp.gemini'];
const tenants = Array.from({ length: 20 }, (_, i) => `tenant-${i}`);
let seq = 0;

/** One request of the app: four fresh spans, set up as the instrumentations set them. */
function request(app: AppCase): void {
  const i = seq++;
  app.server.startActiveSpan(
    'POST /chat',
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'POST',
        'url.path': '/chat',
        'url.scheme': 'https',
        'server.address': 'checkout.internal',
        'server.port': 443,
        'network.protocol.version': '1.1',
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
        'client.address': '10.0.3.17',
      },
    },
    (root) => {
      root.setAttribute('http.route', '/chat');
      const db = app.db.startSpan('SELECT carts', {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'postgresql',
          'db.namespace': 'shop',
          'db.operation.name': 'SELECT',
          'db.query.text': 'SELECT * FROM carts WHERE user_id = $1',
          'server.address': 'db.internal',
          'server.port': 5432,
        },
      });
      db.end();
      const out = app.client.startSpan('GET', {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': 'GET', 'url.full': `https://inventory.internal/items/${i % 100}`, 'server.address': 'inventory.internal', 'server.port': 443 },
      });
      out.setAttribute('http.response.status_code', 200);
      out.end();
      const k = i % 4;
      const chat = app.genai.startSpan(`chat ${models[k]}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': providers[k]!,
          'gen_ai.request.model': models[k]!,
          'gen_ai.request.max_tokens': 1024,
          'gen_ai.request.temperature': 0.2,
          'server.address': 'api.example.com',
          'server.port': 443,
          'gen_ai.conversation.id': `conv-${i % 5000}`,
          'user.id': `user-${i % 300}`,
          'app.tenant': tenants[i % tenants.length]!,
        },
      });
      // Response attributes arrive when the call returns.
      chat.setAttributes({
        'gen_ai.response.id': `chatcmpl-${i}`,
        'gen_ai.response.model': models[k]!,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 1000 + (i % 997),
        'gen_ai.usage.cache_read.input_tokens': 256,
        'gen_ai.usage.output_tokens': 100 + (i % 113),
      });
      chat.end();
      root.setAttribute('http.response.status_code', 200);
      root.end();
    },
  );
}

/**
 * Runs requests for `seconds`, yielding to the event loop every 32 requests (exports and
 * timers run), scraping at each whole second of the case's accumulated time, then flushing.
 */
function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function slice(app: AppCase, seconds: number): Promise<void> {
  const cpu0 = cpuUs();
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(Math.round(seconds * 1e9));
  let now = t0;
  let nextScrape = t0 + 1_000_000_000n - (app.ns % 1_000_000_000n);
  let requests = 0;
  while (now < end) {
    for (let k = 0; k < 32; k++) request(app);
    requests += 32;
    await new Promise((r) => setImmediate(r));
    now = process.hrtime.bigint();
    if (now >= nextScrape) {
      const { resourceMetrics } = await app.reader.collect();
      serializer.serialize(resourceMetrics);
      nextScrape += 1_000_000_000n;
      now = process.hrtime.bigint();
    }
  }
  await app.provider.forceFlush();
  now = process.hrtime.bigint();
  const cpu = cpuUs() - cpu0;
  app.requests += requests;
  app.cpuUs += cpu;
  app.ns += now - t0;
  app.rounds.push((cpu * 1000) / requests);
}

async function load(path: string): Promise<ProcessorModule> {
  return (await import(pathToFileURL(resolve(path)).href)) as ProcessorModule;
}

const DIMENSIONS = ['app.tenant'];
let stores = 0;
function processorCases(label: string, mod: ProcessorModule): AppCase[] {
  return [
    makeCase(`${label}analytics: false`, (meterProvider) => new mod.LlmCostSpanProcessor({ meterProvider, dimensions: DIMENSIONS, analytics: false }), mod.llmCostViews()),
    makeCase(`${label}default, file store`, (meterProvider) => new mod.LlmCostSpanProcessor({ meterProvider, dimensions: DIMENSIONS, store: join(dir, `app-${stores++}.db`) }), mod.llmCostViews()),
  ];
}

const none = makeCase('no processor');
const withProcessor = processorCases('', current as unknown as ProcessorModule);
for (const [i, path] of (values.baseline ?? []).entries()) {
  withProcessor.push(...processorCases(values.baseline!.length === 1 ? 'baseline: ' : `baseline ${i + 1}: `, await load(path)));
}
const cases: AppCase[] = [none, ...withProcessor.filter((app) => values.only === undefined || app.name.includes(values.only))];

// Warm-up, then alternating slices.
for (const app of cases) await slice(app, 1);
for (const app of cases) {
  app.requests = 0;
  app.cpuUs = 0;
  app.ns = 0n;
  app.rounds = [];
}
for (let r = 0; r < MEASURE_S * 2; r++) for (const app of cases) await slice(app, 0.5);

/** CPU ns per request. */
const perRequest = (app: AppCase): number => (app.cpuUs * 1000) / app.requests;
const wallPerRequest = (app: AppCase): number => Number(app.ns) / app.requests;
const base = perRequest(none);
const target = (name: string): number | undefined => (name.endsWith('analytics: false') ? 3000 : name.endsWith('file store') ? 5000 : undefined);
printTable(
  cases.map((app) => {
    const added = perRequest(app) - base;
    // The same difference round by round (each round's slice against the no-processor slice).
    const diffs = app.rounds.map((ns, r) => ns - none.rounds[r]!).sort((a, b) => a - b);
    const limit = target(app.name);
    return {
      case: app.name,
      'CPU us per request': (perRequest(app) / 1000).toFixed(2),
      'wall us per request': (wallPerRequest(app) / 1000).toFixed(2),
      'CPU us added per LLM span': app === none ? '' : (added / 1000).toFixed(2),
      'per-round median (range)': app === none ? '' : `${(diffs[diffs.length >> 1]! / 1000).toFixed(2)} (${(diffs[0]! / 1000).toFixed(2)}..${(diffs[diffs.length - 1]! / 1000).toFixed(2)})`,
      target: limit === undefined ? '' : `<= ${limit / 1000} us`,
      met: limit === undefined ? '' : added <= limit ? 'yes' : 'NO',
    };
  }),
);
console.log(`${MEASURE_S} s per case in ${MEASURE_S * 2} alternating rounds; one LLM span per request (4 spans).`);

for (const app of cases) {
  await app.provider.shutdown();
  await app.meterProvider.shutdown();
}
rmSync(dir, { recursive: true, force: true });
