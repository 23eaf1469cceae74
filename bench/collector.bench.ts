// Collector ingestion on one core with a file store (issue 16 target), half of the spans
//   being LLM spans: decode alone and decode + pipeline, in spans/s, same run (alternating
//   half-second slices over --measure seconds each, default 10): the whole >= 100k spans/s;
//   then RSS at start and end of a sustained run
//   paced at --rate spans/s for --duration seconds (default 20; `-- --duration 300` for 5 min).
// Bodies are what the OpenTelemetry JS SDK's protobuf serializer writes; ids are rewritten
// each round so every batch is new to the dedupe memory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { tuneHeapForCollector } from '../src/collector/heap-tuning.js';
import { decodeTraceRequestProto } from '../src/collector/otlp-proto-decode.js';
import { HistogramProducer } from '../src/metrics/histogram-producer.js';
import { llmCostViews } from '../src/metrics/views.js';
import { CostPipeline } from '../src/pipeline.js';
import { METER_NAME } from '../src/semconv.js';
import { VERSION } from '../src/version.js';
import { printTable } from './lib/measure.js';
import { encodedBatch, renew } from './lib/otlp-batches.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    rate: { type: 'string', default: '50000' },
    measure: { type: 'string', default: '10' },
  },
});
const DURATION_S = Number(values.duration);
const RATE = Number(values.rate);
const MEASURE_S = Number(values.measure);

// As `otel-llm-cost serve` runs: the same V8 heap settings.
tuneHeapForCollector();

const BATCH_SPANS = 512;
const BATCHES = 32;
let round = 0;
// One batch: 256 traces of an HTTP server span (non-LLM) with one LLM chat child.
const batches = Array.from({ length: BATCHES }, (_, b) => encodedBatch(b, BATCH_SPANS));
function nextBody(i: number): Buffer {
  const b = batches[i % BATCHES]!;
  if (i % BATCHES === 0) round++;
  renew(b, round);
  return b.body;
}

const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-bench-'));
// Wired as startCollector() wires it: histograms through the collector's own producer.
const histograms = new HistogramProducer({ name: METER_NAME, version: VERSION });
const exporter = new PrometheusExporter({ preventServerStart: true, metricProducers: [histograms] });
const meterProvider = new MeterProvider({ views: llmCostViews(), readers: [exporter] });
const pipeline = new CostPipeline({ meterProvider, genAiMetrics: true, store: join(dir, 'bench.db') }, { histograms });
const serializer = new PrometheusSerializer();
async function scrape(): Promise<number> {
  const { resourceMetrics } = await exporter.collect();
  return serializer.serialize(resourceMetrics).length;
}

let batchIndex = 0;
function decodeOnly(): number {
  return decodeTraceRequestProto(nextBody(batchIndex++)).spans.length;
}
function decodeAndPipeline(): number {
  const batch = decodeTraceRequestProto(nextBody(batchIndex++));
  pipeline.handleBatch(batch.spans, batch.index);
  return batch.spans.length;
}

/** Spans and time accumulated by one case over its slices. */
interface Tally {
  spans: number;
  ns: bigint;
}

/**
 * Runs `op` for `seconds` more, adding to `tally`, yielding to the event loop between batches
 * (store flush timers run). A pipeline slice also pays a /metrics scrape (collect + text) at
 * each whole second of the case's accumulated time, and ends by flushing the store, so that no
 * pipeline work is left for a timer to do during the next decode-alone slice.
 */
async function slice(op: () => number, seconds: number, tally: Tally, pipelineSlice = false): Promise<void> {
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(Math.round(seconds * 1e9));
  let now = t0;
  let nextScrape = t0 + 1_000_000_000n - (tally.ns % 1_000_000_000n);
  while (now < end) {
    for (let k = 0; k < 8; k++) tally.spans += op();
    await new Promise((r) => setImmediate(r));
    now = process.hrtime.bigint();
    if (pipelineSlice && now >= nextScrape) {
      await scrape();
      nextScrape += 1_000_000_000n;
      now = process.hrtime.bigint();
    }
  }
  if (pipelineSlice) {
    await pipeline.forceFlush();
    now = process.hrtime.bigint();
  }
  tally.ns += now - t0;
}

const rate = (t: Tally): number => t.spans / (Number(t.ns) / 1e9);
// Warm-up, then the two cases in alternating half-second slices, so that both see the same
// machine (a shared host drifts by 10-20% over seconds).
await slice(decodeOnly, 1, { spans: 0, ns: 0n });
await slice(decodeAndPipeline, 1, { spans: 0, ns: 0n }, true);
const decodeTally: Tally = { spans: 0, ns: 0n };
const wholeTally: Tally = { spans: 0, ns: 0n };
/** The ratio of each round (a decode-alone slice and the pipeline slice after it), for the spread. */
const roundRatios: number[] = [];
for (let r = 0; r < MEASURE_S * 2; r++) {
  const d = { ...decodeTally };
  const w = { ...wholeTally };
  await slice(decodeOnly, 0.5, decodeTally);
  await slice(decodeAndPipeline, 0.5, wholeTally, true);
  const roundRate = (now: Tally, before: Tally): number => rate({ spans: now.spans - before.spans, ns: now.ns - before.ns });
  roundRatios.push(roundRate(decodeTally, d) / roundRate(wholeTally, w));
}
const decodeRate = rate(decodeTally);
const wholeRate = rate(wholeTally);
const ratio = decodeRate / wholeRate;
roundRatios.sort((a, b) => a - b);
const medianRound = roundRatios[Math.floor(roundRatios.length / 2)]!;
const us = (rate: number): string => `${(1e6 / rate).toFixed(2)} us`;
const pipelineUs = 1e6 / wholeRate - 1e6 / decodeRate;
printTable([
  { case: 'decode alone (protobuf)', 'spans/s': Math.round(decodeRate), 'per span': us(decodeRate), target: '', met: '' },
  { case: 'decode + pipeline (extract, dedupe, price, metrics, file store, scrape each s)', 'spans/s': Math.round(wholeRate), 'per span': us(wholeRate), target: '>= 100000', met: wholeRate >= 100_000 ? 'yes' : 'NO' },
  { case: 'pipeline alone (difference)', 'spans/s': Math.round(1e6 / pipelineUs), 'per span': `${pipelineUs.toFixed(2)} us`, target: '', met: '' },
]);
console.log(`decode + pipeline / decode alone: ${ratio.toFixed(2)}x (per round: median ${medianRound.toFixed(2)}x, range ${roundRatios[0]!.toFixed(2)}-${roundRatios[roundRatios.length - 1]!.toFixed(2)}x over ${roundRatios.length} rounds); for information, no target`);

// Sustained run: RATE spans/s in 100 ms ticks, a /metrics scrape every 5 s.
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
globalThis.gc?.();
const rssStart = process.memoryUsage().rss;
const heapStart = process.memoryUsage().heapUsed;
const samples: string[] = [];
const tStart = Date.now();
let sent = 0;
let lastScrape = tStart;
let maxRss = rssStart;
// Each 100 ms tick takes at most its share (RATE / 10) and then yields, so timers (store
// flushes, scrapes) run as they would in the server; a slow tick lowers the achieved rate.
const perTick = RATE / 10;
while (Date.now() - tStart < DURATION_S * 1000) {
  const tickStart = Date.now();
  let done = 0;
  while (done < perTick) done += decodeAndPipeline();
  sent += done;
  if (Date.now() - lastScrape >= 5000) {
    lastScrape = Date.now();
    await scrape();
    const rss = process.memoryUsage().rss;
    maxRss = Math.max(maxRss, rss);
    samples.push(`${Math.round((lastScrape - tStart) / 1000)}s:${mb(rss)}`);
  }
  await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - tickStart))));
}
const elapsed = (Date.now() - tStart) / 1000;
await pipeline.forceFlush();
globalThis.gc?.();
const rssEnd = process.memoryUsage().rss;
printTable([
  { sustained: `${DURATION_S} s at ${RATE} spans/s`, achieved: `${Math.round(sent / elapsed)} spans/s`, 'rss start': mb(rssStart), 'rss end': mb(rssEnd), 'rss max': mb(maxRss), 'heap start': mb(heapStart), 'heap end': mb(process.memoryUsage().heapUsed) },
]);
console.log(`rss every 5 s: ${samples.join(' ')}`);
console.log(`counted ${pipeline.stats.counted} calls (${pipeline.stats.priced} priced) from ${pipeline.stats.spans} spans`);
await pipeline.shutdown();
await meterProvider.shutdown();
rmSync(dir, { recursive: true, force: true });
