// Forwarding to a second, in-test OTLP receiver: annotations, an outage and recovery,
// a full queue and exhausted retries (both counted as dropped).
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../src/collector/index.js';
import { decodeTraceRequestJson } from '../../src/collector/otlp-json-decode.js';
import { decodeTraceRequestProto } from '../../src/collector/otlp-proto-decode.js';
import { PROM } from '../../src/semconv.js';
import type { SpanInput } from '../../src/types.js';
import { exportSpans, scrape, testCollector, total } from './helpers/collector.js';
import { genAiChat, recordedTracer } from './helpers/spans.js';

interface Downstream {
  url: string;
  /** Spans received, in arrival order. */
  spans: SpanInput[];
  /** Request bodies received, in arrival order (decoding would fold repeated keys into one). */
  bodies: Buffer[];
  requests: number;
  /** Answer this status instead of 200 while set. */
  failWith: number | undefined;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

async function downstream(): Promise<Downstream> {
  let server: Server;
  let port = 0;
  const d: Downstream = {
    url: '',
    spans: [],
    bodies: [],
    requests: 0,
    failWith: undefined,
    stop: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
    restart: () => open(),
  };
  const open = (): Promise<void> =>
    new Promise((resolve) => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (d.failWith !== undefined) {
            res.writeHead(d.failWith).end();
            return;
          }
          const body = Buffer.concat(chunks);
          const batch = req.headers['content-type'] === 'application/json' ? decodeTraceRequestJson(body.toString()) : decodeTraceRequestProto(body);
          d.requests++;
          d.bodies.push(body);
          d.spans.push(...batch.spans);
          res.writeHead(200, { 'content-type': String(req.headers['content-type']) }).end();
        });
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        d.url = `http://127.0.0.1:${port}/v1/traces`;
        resolve();
      });
    });
  await open();
  return d;
}

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(forward: { queueSize?: number; maxRetries?: number; concurrency?: number; initialBackoffMs?: number; maxBackoffMs?: number }): Promise<{ d: Downstream; c: RunningCollector }> {
  const d = await downstream();
  cleanups.push(() => d.stop().catch(() => undefined));
  const c = await testCollector({ forward: { endpoint: d.url, initialBackoffMs: 20, maxBackoffMs: 100, concurrency: 1, maxRetries: 200, ...forward } });
  cleanups.push(() => c.close());
  return { d, c };
}

describe('collector: forwarding', () => {
  it('forwards everything, LLM spans annotated with llm.cost.usd and llm.priced, in both encodings', async () => {
    const { d, c } = await setup({});
    const t = recordedTracer('svc-fwd');
    t.span('handle request', { 'http.route': '/chat' }, () => {
      t.span('chat gpt-4o', genAiChat('gpt-4o', 1000, 100));
      t.span('chat mystery', genAiChat('no-such-model-xyz', 5, 5));
      // A gateway's own cost on the span (LiteLLM writes gen_ai.usage.cost) is kept as it is.
      t.span('chat gateway', genAiChat('gpt-4o', 1000, 100, { 'gen_ai.usage.cost': 0.5 }));
    });
    expect((await exportSpans(c.otlpUrl, 'proto', t.finished())).code).toBe(0);
    expect((await exportSpans(c.otlpUrl, 'json', t.finished())).code).toBe(0);
    await until(() => d.spans.length === 8, 'eight forwarded spans');
    const want = calcPrice({ input_tokens: 1000, output_tokens: 100 }, 'gpt-4o', { providerId: 'openai' })!.total_price;
    for (const enc of [0, 1]) {
      const byName = new Map(d.spans.slice(enc * 4, enc * 4 + 4).map((s) => [s.name, s.attributes]));
      expect(byName.get('chat gpt-4o')!['llm.priced']).toBe(true);
      expect(byName.get('chat gpt-4o')!['llm.cost.usd']).toBe(want);
      // Our cost under the name tracing backends read, where the span had none.
      expect(byName.get('chat gpt-4o')!['gen_ai.usage.cost']).toBe(want);
      expect(byName.get('chat gateway')!['gen_ai.usage.cost']).toBe(0.5);
      expect(byName.get('chat gateway')!['llm.cost.usd']).toBe(want);
      expect(byName.get('chat mystery')!['gen_ai.usage.cost']).toBeUndefined();
      expect(byName.get('chat gpt-4o')!['gen_ai.usage.input_tokens']).toBe(1000);
      expect(byName.get('chat mystery')!['llm.priced']).toBe(false);
      expect(byName.get('chat mystery')!['llm.cost.usd']).toBeUndefined();
      expect(byName.get('handle request')).toEqual({ 'http.route': '/chat' });
    }
    // The JSON copy is a re-send of counted spans: annotated from memory, not counted again.
    expect(total(await scrape(c.metricsUrl), PROM.requests, { service_name: 'svc-fwd' })).toBe(3);
  });

  it('a garbage gen_ai.usage.cost on the span stays as it came and gets no second key of that name', async () => {
    const { d, c } = await setup({});
    const garbage: [string, string | number][] = [['abc', 'abc'], ['negative', -1], ['nan', 'NaN']];
    const want = calcPrice({ input_tokens: 1000, output_tokens: 100 }, 'gpt-4o', { providerId: 'openai' })!.total_price;
    for (const enc of ['proto', 'json'] as const) {
      for (const [name, value] of garbage) {
        const t = recordedTracer('svc-garbage-cost');
        t.span(`chat ${name}`, genAiChat('gpt-4o', 1000, 100, { 'gen_ai.usage.cost': value }));
        expect((await exportSpans(c.otlpUrl, enc, t.finished())).code).toBe(0);
      }
    }
    await until(() => d.requests === 6, 'six forwarded requests');
    const key = Buffer.from('gen_ai.usage.cost');
    for (let i = 0; i < 6; i++) {
      const [name, value] = garbage[i % 3]!;
      const span = d.spans[i]!;
      expect(span.name).toBe(`chat ${name}`);
      // Our cost is there under our own name; theirs is untouched.
      expect(span.attributes['llm.cost.usd']).toBe(want);
      expect(span.attributes['gen_ai.usage.cost']).toBe(value);
      // One span per request: the key occurs once in the body (twice would be a second key).
      const body = d.bodies[i]!;
      let occurrences = 0;
      for (let at = body.indexOf(key); at !== -1; at = body.indexOf(key, at + 1)) occurrences++;
      expect(occurrences).toBe(1);
    }
  });

  it('rides out a downstream outage (503s, then refused connections) and delivers each request once after recovery', async () => {
    const { d, c } = await setup({});
    d.failWith = 503;
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      const t = recordedTracer('svc-outage');
      t.span(`chat ${i}`, genAiChat('gpt-4o-mini', 10 + i, 1));
      sent.push(`chat ${i}`);
      expect((await exportSpans(c.otlpUrl, 'proto', t.finished())).code).toBe(0);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(d.requests).toBe(0);
    await d.stop(); // now connections are refused
    await new Promise((r) => setTimeout(r, 200));
    d.failWith = undefined;
    await d.restart();
    await until(() => d.requests === 3, 'three delivered requests');
    expect(d.spans.map((s) => s.name)).toEqual(sent);
    const m = await scrape(c.metricsUrl);
    expect(total(m, PROM.spansDropped)).toBe(0);
  });

  it('counts drops when the queue is full and when retries run out', async () => {
    // Backoff long enough (~0.5-1 s to exhaust 3 retries) that the six exports below are all
    // in before the first request gives up, even on a loaded machine.
    const { d, c } = await setup({ queueSize: 2, maxRetries: 3, initialBackoffMs: 150, maxBackoffMs: 600 });
    d.failWith = 503;
    for (let i = 0; i < 6; i++) {
      const t = recordedTracer('svc-drop');
      t.span(`chat ${i}`, genAiChat('gpt-4o-mini', 10, 1));
      t.span(`other ${i}`, {});
      expect((await exportSpans(c.otlpUrl, 'proto', t.finished())).code).toBe(0);
    }
    // 1 in flight + 2 queued; the other 3 requests (2 spans each) had no room.
    await until(async () => total(await scrape(c.metricsUrl), PROM.spansDropped, { reason: 'forward_retries_exhausted' }) === 6, 'retries exhausted for 3 requests');
    const m = await scrape(c.metricsUrl);
    expect(total(m, PROM.spansDropped, { reason: 'forward_queue_full' })).toBe(6);
    expect(d.requests).toBe(0);
  });

  // Forwarding is capped at concurrency / round trip, and a collector busy with intake reads each
  // answer late: with 4 in flight, a collector taking 65k spans/s from 8 senders forwarded 60% and
  // dropped the rest as forward_queue_full; with 10 (the OpenTelemetry Collector's
  // exporterhelper default, sending_queue.num_consumers) it forwarded all of them
  // (`npm run bench -- forward`, and `-- forward --concurrency 4`).
  it('keeps 10 requests in flight downstream by default', async () => {
    let open = 0;
    let most = 0;
    let answered = 0;
    const held: Array<() => void> = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        open++;
        most = Math.max(most, open);
        held.push(() => {
          open--;
          answered++;
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
    const c = await testCollector({ forward: { endpoint: url } });
    cleanups.push(() => c.close());
    const t = recordedTracer('svc-fwd');
    for (let i = 0; i < 12; i++) t.span(`chat ${i}`, genAiChat('gpt-4o', 1000, 100));
    const spans = t.finished();
    for (const span of spans) expect((await exportSpans(c.otlpUrl, 'proto', [span])).code).toBe(0);
    await until(() => held.length === 10, 'ten requests held downstream');
    // Nothing more goes out while ten are in flight.
    await new Promise((r) => setTimeout(r, 200));
    expect(most).toBe(10);
    while (held.length > 0 || open > 0) {
      held.splice(0).forEach((answer) => answer());
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(most).toBe(10);
    expect(answered).toBe(12);
    expect(total(await scrape(c.metricsUrl), PROM.spansDropped)).toBe(0);
  });
});
