// The forward queue is bounded in bytes: a stuck downstream and large bodies (plain and gzip
// bombs-in-spirit) cannot grow the collector past its queue_bytes (issue 17, point 2).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { scrape, total } from '../collector/helpers/collector.js';
import { spawnCollector } from '../collector/helpers/processes.js';
import type { CollectorProcess } from '../collector/helpers/processes.js';
import { heldDownstream } from './helpers/downstream.js';
import type { HeldDownstream } from './helpers/downstream.js';
import { residentMiB } from './helpers/process-memory.js';
import { protoTemplate } from './helpers/proto-template.js';
import { post } from './helpers/traffic.js';

const PROTO = { 'content-type': 'application/x-protobuf' };

let collector: CollectorProcess | undefined;
let downstream: HeldDownstream | undefined;
afterEach(async () => {
  await collector?.stop();
  await downstream?.close();
  collector = undefined;
  downstream = undefined;
});

const QUEUE_MIB = 16;

async function start(): Promise<{ c: CollectorProcess; d: HeldDownstream }> {
  downstream = await heldDownstream();
  const dir = mkdtempSync(join(tmpdir(), 'llm-cost-fwd-'));
  const config = join(dir, 'collector.yaml');
  writeFileSync(config, `forward:\n  endpoint: ${downstream.url}\n  queue_bytes: ${QUEUE_MIB * 1024 * 1024}\n  timeout_ms: 120000\n  max_retries: 0\n`);
  collector = await spawnCollector(['--config', config, '--store', ':memory:', '--grpc-port', 'off']);
  return { c: collector, d: downstream };
}

/** Posts `bodies` with `parallel` requests at a time; returns their statuses. */
async function postAll(url: string, bodies: () => Buffer, count: number, parallel: number, headers: Record<string, string> = {}): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        next++;
        statuses.push((await post(url, bodies(), headers)).status ?? 0);
      }
    }),
  );
  return statuses;
}

async function until(cond: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('forward queue bounded in bytes', () => {
  // Peak memory includes garbage V8 has not collected yet (buffers of finished requests), so
  // the bound is checked as growth: a second round of the same traffic must not raise the peak
  // by more than the queue could hold (an unbounded queue would add the whole round).
  it('2 x 80 bodies of 1 MB to a stuck downstream: the second round adds no memory beyond queue_bytes; sent = forwarded + dropped, exactly', async () => {
    const { c, d } = await start();
    d.hold();
    const template = protoTemplate(1, 1024 * 1024);
    const body = (): Buffer => template.fresh(); // fresh ids: a re-sent body would not be forwarded again
    await post(c.otlpUrl, body(), PROTO);
    const base = residentMiB(c.child.pid!).rss;
    expect(await postAll(c.otlpUrl, body, 80, 4, PROTO)).toEqual(new Array(80).fill(200));
    const first = residentMiB(c.child.pid!).peak;
    expect(await postAll(c.otlpUrl, body, 80, 4, PROTO)).toEqual(new Array(80).fill(200));
    const second = residentMiB(c.child.pid!).peak;
    expect(first - base).toBeLessThan(QUEUE_MIB + 100);
    expect(second - first).toBeLessThan(40); // unbounded: + 80 MB
    let m = await scrape(c.metricsUrl);
    expect(total(m, 'llm_cost_spans_dropped_total', { reason: 'forward_queue_full' })).toBeGreaterThan(2 * 100);
    d.release();
    const sent = 2 * 161;
    await until(async () => {
      m = await scrape(c.metricsUrl);
      return d.spans + total(m, 'llm_cost_spans_dropped_total', { reason: 'forward_queue_full' }) === sent;
    }, 'every span forwarded or counted as dropped');
    expect(d.spans).toBeGreaterThan(0);
    expect(total(m, 'llm_requests_total')).toBe(161);
  }, 60_000);

  // Each round inflates 6 x 12 MB, so the peak after one round swings by tens of MB with when V8
  // collects; the bound is checked over two further rounds, which an unbounded queue grows by 144 MB.
  it('3 x 6 gzip bodies of 40 KB that inflate to 12 MB: the inflated size counts against queue_bytes', async () => {
    const { c, d } = await start();
    d.hold();
    const template = protoTemplate(1, 12 * 1024 * 1024);
    const body = (): Buffer => gzipSync(template.fresh());
    expect(body().length).toBeLessThan(100 * 1024);
    const gz = { ...PROTO, 'content-encoding': 'gzip' };
    await post(c.otlpUrl, body(), gz);
    const base = residentMiB(c.child.pid!).rss;
    expect(await postAll(c.otlpUrl, body, 6, 2, gz)).toEqual(new Array(6).fill(200));
    const first = residentMiB(c.child.pid!).peak;
    expect(await postAll(c.otlpUrl, body, 6, 2, gz)).toEqual(new Array(6).fill(200));
    expect(await postAll(c.otlpUrl, body, 6, 2, gz)).toEqual(new Array(6).fill(200));
    const third = residentMiB(c.child.pid!).peak;
    expect(first - base).toBeLessThan(QUEUE_MIB + 200);
    expect(third - first).toBeLessThan(72); // unbounded: + 144 MB
    const m = await scrape(c.metricsUrl);
    expect(total(m, 'llm_cost_spans_dropped_total', { reason: 'forward_queue_full' })).toBe(3 * 6 * 2);
    d.release();
    await until(async () => d.spans === 2, 'the one queued request delivered');
  }, 60_000);
});
