// `npm run soak`: `otel-llm-cost serve` (the built CLI, file store, forwarding on) for N minutes
// under mixed hostile load, then exact accounting. Not part of `npm test` (issue 17).
//
//   senders      keep-alive OTLP/HTTP protobuf senders paced to --rate spans/s in total; half of
//                each batch's spans are LLM calls. A 503 is retried with the same body (as an
//                exporter does), and every 10th request re-sends the sender's last accepted body.
//   slow         connections that send headers (Content-Length 100000) and then 1 byte a second,
//                reconnecting when the collector drops them.
//   outage       the forward downstream answers 503 during the middle fifth of the run.
//
// Prints the collector's RSS band (after the first tenth), the accepted rate, refusals, and
// counted = sent: ledger rows in the store after a SIGTERM against the LLM spans of the
// distinct batches answered 200. Exits 1 when they differ.
//
//   npm run soak -- --minutes 1 --rate 20000
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Agent, request } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openSqlite } from '../src/store/sqlite.js';
import { encodedBatch, renew } from './lib/otlp-batches.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '50000' },
    senders: { type: 'string', default: '8' },
    batch: { type: 'string', default: '512' },
    slow: { type: 'string', default: '32' },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const senders = Number(values.senders);
const batchSpans = Number(values.batch);
const slowCount = Number(values.slow);
for (const [name, v] of Object.entries({ minutes, rate, senders, batch: batchSpans })) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, got ${String(v)}`);
}
const durationMs = minutes * 60_000;
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');

/** The forward target: counts spans; answers 503 while `down`. */
async function downstream(): Promise<{ url: string; spans: () => number; setDown: (d: boolean) => void; close: () => void }> {
  let down = false;
  let requests = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (down) {
        res.writeHead(503, { 'Retry-After': '1' }).end();
        return;
      }
      requests++;
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/v1/traces`, spans: () => requests, setDown: (d) => (down = d), close: () => server.close() };
}

function startServe(store: string, forward: string): Promise<{ pid: number; otlp: URL; metrics: string; stopped: Promise<number | null>; term: () => void; log: () => string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--store', store, '--otlp-port', '0', '--grpc-port', 'off', '--metrics-port', '0', '--forward-endpoint', forward],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  const stopped = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20_000);
    child.stdout.on('data', () => {
      const m = /traces on (\S+), metrics on (\S+?)[\s,(]/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      resolve({ pid: child.pid!, otlp: new URL(m[1]!), metrics: m[2]!, stopped, term: () => child.kill('SIGTERM'), log: () => out });
    });
    void stopped.then((code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) / 1024;
}

function post(url: URL, body: Buffer, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent,
      headers: { 'content-type': 'application/x-protobuf', 'content-length': String(body.length) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** A connection that promises 100,000 bytes and sends one a second, reconnecting while `running()`. */
function slowSender(url: URL, running: () => boolean): () => void {
  let socket: Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  const open = (): void => {
    if (!running()) return;
    socket = connect(Number(url.port), url.hostname, () => {
      socket!.write(`POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100000\r\n\r\n`);
      timer = setInterval(() => socket!.write('x'), 1000);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      setTimeout(open, 100);
    });
  };
  open();
  return () => socket?.destroy();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-soak-'));
  const store = join(dir, 'soak.db');
  const down = await downstream();
  const serve = await startServe(store, down.url);
  const templates = Array.from({ length: 16 }, (_, b) => encodedBatch(b, batchSpans));
  const llmPerBatch = templates[0]!.spans / 2;
  const t0 = Date.now();
  const running = (): boolean => Date.now() - t0 < durationMs;
  const stats = { accepted: 0, acceptedLlm: 0, refused: 0, errors: 0, resends: 0, requests: 0 };
  let round = 1;

  const slowStops = Array.from({ length: slowCount }, () => slowSender(serve.otlp, running));
  const outage = [0.4 * durationMs, 0.6 * durationMs];
  const rss: number[] = [];
  const sampler = setInterval(() => {
    const at = Date.now() - t0;
    down.setDown(at >= outage[0]! && at < outage[1]!);
    if (at > durationMs / 10) rss.push(rssMb(serve.pid));
  }, 1000);

  // Each sender sends one batch per `everyMs`, so that all of them together make `rate` spans/s.
  const everyMs = (1000 * templates[0]!.spans * senders) / rate;
  const sender = async (k: number): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let last: Buffer | undefined;
    let next = Date.now();
    for (let i = 0; running(); i++) {
      const wait = next - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      next += everyMs;
      if (i % 10 === 9 && last !== undefined) {
        // A re-send of a batch already answered 200: must not be counted again.
        stats.resends++;
        stats.requests++;
        await post(serve.otlp, last, agent);
        continue;
      }
      const t = templates[(k + i * senders) % templates.length]!;
      renew(t, round++);
      const body = Buffer.from(t.body);
      for (;;) {
        stats.requests++;
        const status = await post(serve.otlp, body, agent);
        if (status === 200) {
          stats.accepted += t.spans;
          stats.acceptedLlm += llmPerBatch;
          last = body;
          break;
        }
        if (status === 503 || status === 429) stats.refused++;
        else stats.errors++;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    agent.destroy();
  };
  const progress = setInterval(() => {
    const s = (Date.now() - t0) / 1000;
    process.stdout.write(`${s.toFixed(0)} s: ${Math.round(stats.accepted / s)} spans/s accepted, ${stats.refused} refused, rss ${rssMb(serve.pid).toFixed(0)} MB\n`);
  }, 30_000);
  await Promise.all(Array.from({ length: senders }, (_, k) => sender(k)));
  const seconds = (Date.now() - t0) / 1000;
  clearInterval(progress);
  clearInterval(sampler);
  for (const stop of slowStops) stop();
  down.setDown(false);
  const metrics = await (await fetch(serve.metrics)).text();
  serve.term();
  const code = await serve.stopped;
  const db = openSqlite(store, { readOnly: true });
  const counted = db.prepare('SELECT count(*) AS n FROM ledger').get()!.n as number;
  db.close();
  down.close();
  rmSync(dir, { recursive: true, force: true });

  rss.sort((a, b) => a - b);
  const drops = [...metrics.matchAll(/^llm_cost_spans_dropped_total\{[^}]*reason="([^"]+)"[^}]*\} (\d+)/gm)].map((m) => `${m[1]}=${m[2]}`);
  console.log(`soak: ${seconds.toFixed(0)} s at a target of ${rate} spans/s (${senders} senders x ${templates[0]!.spans}-span batches, ${slowCount} slow senders, downstream down ${outage[0]! / 1000}-${outage[1]! / 1000} s)`);
  console.log(`  accepted ${stats.accepted} spans = ${Math.round(stats.accepted / seconds)} spans/s; ${stats.requests} requests, ${stats.refused} refused (503/429, retried), ${stats.errors} errors, ${stats.resends} re-sends`);
  console.log(`  collector RSS after the first tenth: min ${rss[0]?.toFixed(0)} MB, median ${rss[Math.floor(rss.length / 2)]?.toFixed(0)} MB, max ${rss[rss.length - 1]?.toFixed(0)} MB`);
  console.log(`  dropped: ${drops.length === 0 ? 'none' : drops.join(', ')}; forwarded requests answered 200 by the downstream: ${down.spans()}`);
  console.log(`  counted ${counted} LLM calls in the store, sent ${stats.acceptedLlm} (distinct, answered 200): ${counted === stats.acceptedLlm ? 'equal' : 'DIFFERENT'}; serve exited ${code}`);
  if (counted !== stats.acceptedLlm || code !== 0) process.exitCode = 1;
}

await main();
