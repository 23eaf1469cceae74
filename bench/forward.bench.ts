// Forwarding under load: `serve` with `forward:` (startCollector, file store) takes OTLP/HTTP
// requests from --senders client connections (default 8, 512 spans each, half LLM calls) for
// --seconds (default 10) and forwards them to a downstream receiver in another process, with
// --concurrency requests in flight (default: the forwarder's own, 10; try 4 to compare). The
// figure is the share of accepted requests that reach the downstream; the rest are dropped as
// forward_queue_full (the queue is bounded by forward.queue_bytes) and counted.
//
// The collector runs in this process, the client and the downstream in their own: on a 2-core
// host the client and downstream share one core and the collector has the other, as in the
// soak (bench/soak.ts), where the downstream ran inside the client's process.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tuneHeapForCollector } from '../src/collector/heap-tuning.js';
import { startCollector } from '../src/collector/index.js';
import type { ClientMessage, IntakeClientData, SliceResult } from './lib/intake-client.js';
import { printTable } from './lib/measure.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    senders: { type: 'string', default: '8' },
    concurrency: { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);

tuneHeapForCollector();
const downstream = fork(new URL('./lib/forward-downstream.mjs', import.meta.url));
const { port } = await new Promise<{ port: number }>((resolve) => downstream.once('message', (m) => resolve(m as { port: number })));
const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-forward-bench-'));
const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
const collector = await startCollector({
  otlpPort: 0,
  grpcPort: 0,
  metricsPort: 0,
  forward: { endpoint: `http://127.0.0.1:${port}/v1/traces`, concurrency },
  pipeline: { store: join(dir, 'bench.db') },
});
const clientData: IntakeClientData = { httpUrl: collector.otlpUrl, grpcUrl: collector.grpcUrl!, concurrency: Number(values.senders), batchSpans: 512, batches: 32 };
const client = fork(new URL('./lib/intake-client.ts', import.meta.url), [JSON.stringify(clientData)], { execArgv: ['--import', 'tsx'] });
await new Promise<void>((resolve) => client.once('message', () => resolve()));

const accepted = await new Promise<SliceResult>((resolve) => {
  client.once('message', (msg: ClientMessage) => resolve(msg as SliceResult));
  client.send({ protocol: 'http', seconds: SECONDS });
});
const received = async (): Promise<{ requests: number; bytes: number }> =>
  new Promise((resolve) => {
    downstream.once('message', (m) => resolve(m as { requests: number; bytes: number }));
    downstream.send('stats');
  });
// What is still queued drains now that intake has stopped: wait until the count stops moving.
let last = -1;
let got = await received();
while (got.requests !== last) {
  last = got.requests;
  await new Promise((r) => setTimeout(r, 1000));
  got = await received();
}
const metrics = await (await fetch(collector.metricsUrl)).text();
const dropped = [...metrics.matchAll(/^llm_cost_spans_dropped_total\{reason="(forward_[a-z_]+)".*\} (\d+)$/gm)].map((m) => `${m[1]} ${m[2]}`);

client.send('close');
downstream.send('close');
await collector.close();
rmSync(dir, { recursive: true, force: true });

printTable([
  {
    'in flight': concurrency ?? 'default (10)',
    'accepted spans/s': Math.round(accepted.spans / SECONDS),
    'accepted requests': accepted.requests,
    'forwarded requests': got.requests,
    forwarded: `${((got.requests / accepted.requests) * 100).toFixed(1)}%`,
    'dropped spans': dropped.join(', ') || 'none',
  },
]);
console.log(`${values.senders} senders for ${SECONDS} s, 512 spans per request; downstream in its own process answering at once`);
