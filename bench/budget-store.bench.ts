// The shared budget store (issue 19 targets), against a real redis-server on a free port:
//   onEnd of an LLM span with budgetStore adds <= 0.5 us over the same budgets kept locally
//   (both measured in this run, rounds interleaved so machine noise hits both alike);
//   Redis sees <= 1 round trip per replica per budgetSyncMs whatever the call rate.
import { setTimeout as sleep } from 'node:timers/promises';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LlmCostSpanProcessor } from '../src/index.js';
import type { LlmCostOptions } from '../src/index.js';
import { RedisServer } from '../test/budgets/redis-server.js';
import { fmtNs, printTable } from './lib/measure.js';

const N = 20_000;
const models = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-flash'];
const providers = ['openai', 'openai', 'anthropic', 'gcp.gemini'];

function makeSpans(count: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('bench');
  for (let i = 0; i < count; i++) {
    tracer
      .startSpan('chat', {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': providers[i % 4]!,
          'gen_ai.request.model': models[i % 4]!,
          'gen_ai.usage.input_tokens': 1000 + (i % 997),
          'gen_ai.usage.output_tokens': 100 + (i % 113),
        },
      })
      .end();
  }
  return exporter.getFinishedSpans();
}

// Budgets as a team would set them: a monthly total (alert) and a daily OpenAI cap (block).
const budgets: LlmCostOptions['budgets'] = [
  { name: 'monthly', limitUsd: 1e9, period: 'month' },
  { name: 'openai-daily', limitUsd: 1e9, period: 'day', match: { 'gen_ai.provider.name': 'openai' }, action: 'block' },
];

const redis = await RedisServer.start();
const readers: PrometheusExporter[] = [];
function processor(extra: Partial<LlmCostOptions> = {}): LlmCostSpanProcessor {
  const reader = new PrometheusExporter({ preventServerStart: true });
  readers.push(reader);
  return new LlmCostSpanProcessor({ meterProvider: new MeterProvider({ readers: [reader] }), budgets, ...extra });
}
const scrape = setInterval(() => {
  for (const reader of readers) void reader.collect();
}, 1000);

// --- 1. onEnd cost, local budgets vs shared store, interleaved rounds ---
const spans = makeSpans(N);
const local = processor();
const shared = processor({ budgetStore: redis.url, budgetSyncMs: 1000 });
const BATCH = 1000;
const ROUNDS = 300;
const samples = { local: [] as number[], shared: [] as number[] };
let i = 0;
function round(p: LlmCostSpanProcessor): number {
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < BATCH; k++) p.onEnd(spans[i++ % N]!);
  return Number(process.hrtime.bigint() - t0) / BATCH;
}
for (let r = 0; r < 40; r++) {
  round(local);
  round(shared);
}
for (let r = 0; r < ROUNDS; r++) {
  await new Promise((resolve) => setImmediate(resolve));
  // Alternate which goes first so neither always runs right after the event loop turned.
  if (r % 2 === 0) {
    samples.local.push(round(local));
    samples.shared.push(round(shared));
  } else {
    samples.shared.push(round(shared));
    samples.local.push(round(local));
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const localNs = median(samples.local);
const sharedNs = median(samples.shared);
const pairDiffs = samples.shared.map((s, k) => s - samples.local[k]!);
const addedNs = median(pairDiffs);
await local.shutdown();
await shared.shutdown();

// --- 2. Round trips per replica per budgetSyncMs, at two call rates ---
async function roundTrips(callsPerMs: number, syncMs: number, seconds: number): Promise<{ calls: number; evals: number; perSync: number }> {
  const p = processor({ budgetStore: redis.url, budgetSyncMs: syncMs, budgetStoreKeyPrefix: `bench-${callsPerMs}:` });
  await p.forceFlush(); // connected, first sync done
  const before = await redis.commandCalls();
  const start = Date.now();
  let calls = 0;
  while (Date.now() - start < seconds * 1000) {
    const t = Date.now();
    const target = Math.floor((t - start) * callsPerMs);
    while (calls < target) p.onEnd(spans[calls++ % N]!);
    await sleep(1);
  }
  const elapsed = Date.now() - start;
  const after = await redis.commandCalls();
  await p.shutdown();
  const count = (m: Map<string, number>): number => (m.get('evalsha') ?? 0) + (m.get('eval') ?? 0);
  const evals = count(after) - count(before);
  return { calls, evals, perSync: evals / (elapsed / syncMs) };
}
const slow = await roundTrips(1, 100, 5); // 1,000 calls/s
const fast = await roundTrips(20, 100, 5); // 20,000 calls/s
clearInterval(scrape);
await redis.dispose();

printTable([
  { case: 'onEnd, LLM span, 2 budgets kept locally', median: fmtNs(localNs), target: '', met: '' },
  { case: 'onEnd, LLM span, same budgets + budgetStore (Redis)', median: fmtNs(sharedNs), target: '', met: '' },
  { case: 'added by the shared store per call (median of paired rounds)', median: fmtNs(addedNs), target: '<= 0.5 us', met: addedNs <= 500 ? 'yes' : 'NO' },
  { case: `Redis round trips per budgetSyncMs (100 ms), ${slow.calls} calls in 5 s`, median: `${slow.evals} = ${slow.perSync.toFixed(2)}`, target: '<= 1', met: slow.perSync <= 1 ? 'yes' : 'NO' },
  { case: `Redis round trips per budgetSyncMs (100 ms), ${fast.calls} calls in 5 s`, median: `${fast.evals} = ${fast.perSync.toFixed(2)}`, target: '<= 1', met: fast.perSync <= 1 ? 'yes' : 'NO' },
]);
