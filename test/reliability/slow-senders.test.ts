// Slow and stalled senders next to valid traffic: they must not starve anyone (issue 17, point 1).
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exportSpans, scrape, testCollector, total } from '../collector/helpers/collector.js';
import { genAiChat, recordedTracer } from '../collector/helpers/spans.js';
import type { RunningCollector } from '../../src/collector/index.js';
import { otlpJsonBody, post, slowSender, statusOf } from './helpers/traffic.js';
import type { SlowSender } from './helpers/traffic.js';

let collector: RunningCollector | undefined;
let senders: SlowSender[] = [];
afterEach(async () => {
  for (const s of senders) s.stop();
  senders = [];
  await collector?.close();
  collector = undefined;
});

const healthz = async (c: RunningCollector): Promise<{ status: number; body: { status: string; problems: string[] } }> => {
  const res = await fetch(c.metricsUrl.replace('/metrics', '/healthz'));
  return { status: res.status, body: (await res.json()) as { status: string; problems: string[] } };
};

describe('slow and stalled senders', () => {
  it('200 slow-body and 3 never-ending chunked connections: every valid batch is accepted, the slow ones get 408 at the deadline', async () => {
    const bodyTimeoutMs = 2000;
    collector = await startWith({ bodyTimeoutMs });
    const port = Number(new URL(collector.otlpUrl).port);
    for (let i = 0; i < 200; i++) senders.push(slowSender(port, { chunked: false, everyMs: 500, contentLength: 100_000 }));
    for (let i = 0; i < 3; i++) senders.push(slowSender(port, { chunked: true, everyMs: 100 }));
    await new Promise((r) => setTimeout(r, 300)); // all of them are in, holding their requests open

    const t = recordedTracer('checkout');
    const results: number[] = [];
    for (let round = 0; round < 8; round++) {
      const batch = Array.from({ length: 5 }, (_, i) => {
        t.exporter.reset();
        t.span(`chat ${round}.${i}`, genAiChat('gpt-4o-mini', 1000, 500));
        return t.finished();
      });
      results.push(...(await Promise.all(batch.map((spans) => exportSpans(collector!.otlpUrl, 'proto', spans)))).map((r) => r.code));
    }
    expect((await healthz(collector)).body).toEqual({ status: 'ok', problems: [] });
    expect(results).toEqual(new Array(40).fill(0));

    const closed = await Promise.all(senders.map((s) => s.closed));
    expect(closed.map((c) => statusOf(c.answer))).toEqual(new Array(203).fill(408));
    // Closed at the deadline plus the linger for reading the answer, not at Node's 60 s.
    for (const c of closed) expect(c.afterMs).toBeLessThan(bodyTimeoutMs + 1000 + 3000);
    expect(closed[0]!.answer).toContain('did not arrive within 2000 ms');

    const samples = await scrape(collector.metricsUrl);
    expect(total(samples, 'llm_requests_total')).toBe(40);
    expect(total(samples, 'llm_cost_spans_invalid_total', { reason: 'payload_timeout' })).toBe(203);
  }, 30_000);

  it('bytes being read are bounded: past read_buffer_bytes a request gets 503 + Retry-After and /healthz says degraded', async () => {
    collector = await startWith({ maxBodyBytes: 64 * 1024, readBufferBytes: 64 * 1024, bodyTimeoutMs: 10_000 });
    const port = Number(new URL(collector.otlpUrl).port);
    // A stalled sender holding 60 KiB of the 64 KiB allowance.
    const stalled = await stalledWith(port, 60 * 1024);
    const busy = await post(collector.otlpUrl, otlpJsonBody(20));
    expect(busy.status).toBe(503);
    expect(busy.retryAfter).toBe('1');
    expect(busy.body).toContain('retry');
    const h = await healthz(collector);
    expect(h.status).toBe(503);
    expect(h.body.status).toBe('degraded');
    expect(h.body.problems[0]).toMatch(/^intake_busy: /);
    stalled.destroy();
    await new Promise((r) => setTimeout(r, 100));
    // The stalled sender's bytes went back: the same request fits now.
    expect((await post(collector.otlpUrl, otlpJsonBody(20))).status).toBe(200);
    expect(total(await scrape(collector.metricsUrl), 'llm_requests_total')).toBe(20);
  }, 20_000);
});

async function startWith(config: Parameters<typeof testCollector>[0]): Promise<RunningCollector> {
  return testCollector({ ...config, pipeline: { store: ':memory:' } });
}

/** A connection that sends `bytes` of a larger body at once, then stalls. */
async function stalledWith(port: number, bytes: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(`POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${bytes + 1000}\r\n\r\n`);
  socket.write(Buffer.alloc(bytes, 0x20));
  await new Promise((r) => setTimeout(r, 200));
  return socket;
}
