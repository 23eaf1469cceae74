// OTLP intake over gRPC next to OTLP/HTTP (issue 20 target: gRPC within 1.25x of HTTP), same
// run, same collector: startCollector() as `serve` runs it (file store, histograms, metrics),
// fed from a worker thread with encoded --spans-span requests (default 512, the SDKs' default
// export batch; half LLM calls, every id new) by --concurrency senders (default 4), each with
// its own connection and one request in flight, as apps' batch span processors send. The two
// protocols alternate in half-second slices over --measure seconds each (default 10), so both
// see the same machine.
// Two figures per protocol: spans/s on the wall clock, and spans per second of the collector
// thread's busy time (event-loop utilization), which leaves out the client's own cost. The
// target is on the second: on a shared host the wall figure of gRPC also carries the client
// thread's scheduling delays at each HTTP/2 flow-control window (grpc-js servers keep Node's
// 64 KiB receive window; a 512-span request is ~200 KB).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { tuneHeapForCollector } from '../src/collector/heap-tuning.js';
import { startCollector } from '../src/collector/index.js';
import type { IntakeClientData, SliceRequest, SliceResult } from './lib/intake-client.js';
import { printTable } from './lib/measure.js';

const { values } = parseArgs({
  options: {
    measure: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '4' },
    spans: { type: 'string', default: '512' },
  },
});
const MEASURE_S = Number(values.measure);
const CONCURRENCY = Number(values.concurrency);
const BATCH_SPANS = Number(values.spans);

tuneHeapForCollector();
const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-intake-bench-'));
const collector = await startCollector({ otlpPort: 0, grpcPort: 0, metricsPort: 0, pipeline: { store: join(dir, 'bench.db') } });
const clientData: IntakeClientData = { httpUrl: collector.otlpUrl, grpcUrl: collector.grpcUrl!, concurrency: CONCURRENCY, batchSpans: BATCH_SPANS, batches: 32 };
// Node 20 loads a worker's entry before --import hooks apply: register tsx first, then load the client.
const clientUrl = new URL('./lib/intake-client.ts', import.meta.url).href;
const worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(clientUrl)}); })`, { eval: true, workerData: clientData });

function slice(req: SliceRequest): Promise<{ result: SliceResult; wallS: number; busyS: number }> {
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  return new Promise((resolve) => {
    worker.once('message', (result: SliceResult) => {
      const elu = performance.eventLoopUtilization(elu0);
      resolve({ result, wallS: (performance.now() - t0) / 1000, busyS: elu.active / 1000 });
    });
    worker.postMessage(req);
  });
}

interface Tally {
  spans: number;
  errors: number;
  wallS: number;
  busyS: number;
  clientBusyS: number;
}
const tallies: Record<'http' | 'grpc', Tally> = {
  http: { spans: 0, errors: 0, wallS: 0, busyS: 0, clientBusyS: 0 },
  grpc: { spans: 0, errors: 0, wallS: 0, busyS: 0, clientBusyS: 0 },
};
// Warm-up of both paths, then alternating slices (the order flips each round).
await slice({ protocol: 'http', seconds: 1 });
await slice({ protocol: 'grpc', seconds: 1 });
const roundRatios: number[] = [];
for (let r = 0; r < MEASURE_S * 2; r++) {
  const order: Array<'http' | 'grpc'> = r % 2 === 0 ? ['http', 'grpc'] : ['grpc', 'http'];
  const perBusy: Record<string, number> = {};
  for (const protocol of order) {
    const s = await slice({ protocol, seconds: 0.5 });
    const t = tallies[protocol];
    t.spans += s.result.spans;
    t.errors += s.result.errors;
    t.wallS += s.wallS;
    t.busyS += s.busyS;
    t.clientBusyS += s.result.clientBusyS;
    perBusy[protocol] = s.result.spans / s.busyS;
  }
  roundRatios.push(perBusy.http! / perBusy.grpc!);
}
worker.postMessage('close');
await collector.close();
rmSync(dir, { recursive: true, force: true });

const wall = (t: Tally): number => t.spans / t.wallS;
const busy = (t: Tally): number => t.spans / t.busyS;
const h = tallies.http;
const g = tallies.grpc;
const pct = (part: number, whole: number): string => `${((part / whole) * 100).toFixed(0)}%`;
const busyRatio = busy(h) / busy(g);
const wallRatio = wall(h) / wall(g);
roundRatios.sort((a, b) => a - b);
printTable([
  { case: 'OTLP/HTTP protobuf', 'spans/s (wall)': Math.round(wall(h)), 'spans/s of collector busy time': Math.round(busy(h)), 'collector busy': pct(h.busyS, h.wallS), 'client busy': pct(h.clientBusyS, h.wallS), errors: h.errors, target: '', met: '' },
  { case: 'OTLP/gRPC', 'spans/s (wall)': Math.round(wall(g)), 'spans/s of collector busy time': Math.round(busy(g)), 'collector busy': pct(g.busyS, g.wallS), 'client busy': pct(g.clientBusyS, g.wallS), errors: g.errors, target: '', met: '' },
  { case: 'cost of gRPC / HTTP (busy time per span)', 'spans/s (wall)': `${wallRatio.toFixed(2)}x wall`, 'spans/s of collector busy time': `${busyRatio.toFixed(2)}x`, 'collector busy': '', 'client busy': '', errors: '', target: '<= 1.25x', met: busyRatio <= 1.25 ? 'yes' : 'NO' },
]);
console.log(`per-round busy-time ratios: median ${roundRatios[Math.floor(roundRatios.length / 2)]!.toFixed(2)}x, range ${roundRatios[0]!.toFixed(2)}-${roundRatios[roundRatios.length - 1]!.toFixed(2)}x over ${roundRatios.length} rounds; ${CONCURRENCY} requests in flight, ${BATCH_SPANS} spans each`);
if (h.errors + g.errors > 0) process.exitCode = 1;
