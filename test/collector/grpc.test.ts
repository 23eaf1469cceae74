// OTLP/gRPC intake: the real OpenTelemetry gRPC exporter in, exact costs out, the same
// series as the same spans sent over OTLP/HTTP; then what exporters retry on and what they
// must not, garbage, oversized and cut-off messages, auth, forwarding and drain.
import { gzipSync } from 'node:zlib';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../src/collector/index.js';
import { PROM } from '../../src/semconv.js';
import { exportSpans, scrape, testCollector, total } from './helpers/collector.js';
import type { Sample } from './helpers/collector.js';
import { EXPORT_PATH, exportSpansGrpc, grpcFrame, openRawStream, rawExport } from './helpers/grpc.js';
import type { RawStream } from './helpers/grpc.js';
import { genAiChat, openInferenceLlm, recordedTracer, vercelDoGenerate, vercelRoot } from './helpers/spans.js';

const OK = 0;
const INVALID_ARGUMENT = 3;
const DEADLINE_EXCEEDED = 4;
const RESOURCE_EXHAUSTED = 8;
const UNIMPLEMENTED = 12;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;

function price(model: string, providerId: string, input: number, output: number): number {
  const r = calcPrice({ input_tokens: input, output_tokens: output }, model, { providerId });
  if (!r) throw new Error(`no price for ${providerId}/${model}`);
  return r.total_price;
}

function expectUsd(got: number, want: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.abs(want) * 1e-9 + 1e-15);
}

const encode = (spans: ReadableSpan[]): Buffer => Buffer.from(ProtobufTraceSerializer.serializeRequest(spans as never)!);

/** One gen_ai chat span of its own service, as an encoded ExportTraceServiceRequest. */
function chatRequest(service: string, input = 1000, output = 100): { spans: ReadableSpan[]; body: Buffer } {
  const t = recordedTracer(service);
  t.span('chat gpt-4o', genAiChat('gpt-4o', input, output));
  return { spans: t.finished(), body: encode(t.finished()) };
}

/** The llm_* and gen_ai_* samples, as comparable lines. */
function costSeries(samples: Sample[]): string[] {
  return samples
    .filter((s) => /^(llm_|gen_ai_)/.test(s.name) && !s.name.startsWith('llm_cost_spans_'))
    .map((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())} ${s.value}`)
    .sort();
}

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Resolves once the server has acknowledged a PING sent after the call's headers and first
 * bytes: HTTP/2 frames are handled in order, so by then the server has seen the call.
 */
async function pingedBack(raw: RawStream): Promise<void> {
  const session = raw.session;
  if (session.connecting) await new Promise((resolve) => session.once('connect', resolve));
  await new Promise<void>((resolve, reject) => session.ping((err) => (err === null ? resolve() : reject(err))));
}

describe('OTLP/gRPC: the real exporter in, exact costs out', () => {
  let viaGrpc: RunningCollector;
  let viaHttp: RunningCollector;
  beforeAll(async () => {
    [viaGrpc, viaHttp] = await Promise.all([testCollector(), testCollector()]);
  });
  afterAll(async () => {
    await Promise.all([viaGrpc.close(), viaHttp.close()]);
  });

  it('listens on its own port, reported as grpcUrl', () => {
    expect(viaGrpc.grpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(viaGrpc.grpcUrl!).port)).toBe(viaGrpc.config.grpcPort);
    expect(viaGrpc.config.grpcPort).not.toBe(viaGrpc.config.otlpPort);
  });

  it('prices gen_ai, OpenInference and Vercel spans exactly, and gives the same series as OTLP/HTTP', async () => {
    const genai = recordedTracer('svc-genai');
    genai.span('chat gpt-4o', genAiChat('gpt-4o', 1200, 340));
    genai.span('chat gpt-4o', genAiChat('gpt-4o', 800, 60));
    const oi = recordedTracer('svc-openinference');
    oi.span('ChatAnthropic', openInferenceLlm('claude-3-5-sonnet-20241022', 1000, 200), undefined, { name: 'openinference.instrumentation.langchain', version: '1.0.0' });
    const vercel = recordedTracer('svc-vercel');
    vercel.span('ai.generateText', vercelRoot('gpt-4o-mini', 300, 90), () => {
      vercel.span('ai.generateText.doGenerate', vercelDoGenerate('gpt-4o-mini', 300, 90), undefined, { name: 'ai' });
    }, { name: 'ai' });

    for (const t of [genai, oi, vercel]) {
      expect((await exportSpansGrpc(viaGrpc.grpcUrl!, t.finished())).code).toBe(0);
      expect((await exportSpans(viaHttp.otlpUrl, 'proto', t.finished())).code).toBe(0);
    }

    const m = await scrape(viaGrpc.metricsUrl);
    expectUsd(total(m, PROM.cost, { service_name: 'svc-genai' }), price('gpt-4o', 'openai', 1200, 340) + price('gpt-4o', 'openai', 800, 60));
    expectUsd(total(m, PROM.cost, { service_name: 'svc-openinference' }), price('claude-3-5-sonnet-20241022', 'anthropic', 1000, 200));
    expectUsd(total(m, PROM.cost, { service_name: 'svc-vercel' }), price('gpt-4o-mini', 'openai', 300, 90));
    expect(total(m, PROM.requests, { service_name: 'svc-genai' })).toBe(2);
    expect(total(m, PROM.requests, { service_name: 'svc-vercel' })).toBe(1);
    expect(total(m, PROM.tokens, { service_name: 'svc-genai', llm_token_type: 'input' })).toBe(2000);
    expect(total(m, PROM.tokens, { service_name: 'svc-genai', llm_token_type: 'output' })).toBe(400);

    const fromHttp = costSeries(await scrape(viaHttp.metricsUrl));
    expect(fromHttp.length).toBeGreaterThan(20);
    expect(costSeries(m)).toEqual(fromHttp);
  });

  it('is reached through the exporters\' default host name, localhost', async () => {
    const { spans } = chatRequest('svc-grpc-localhost', 321, 32);
    expect((await exportSpansGrpc(`http://localhost:${viaGrpc.config.grpcPort}`, spans)).code).toBe(0);
    expectUsd(total(await scrape(viaGrpc.metricsUrl), PROM.cost, { service_name: 'svc-grpc-localhost' }), price('gpt-4o', 'openai', 321, 32));
  });

  it('accepts gzip-compressed calls from the exporter', async () => {
    const { spans } = chatRequest('svc-grpc-gzip', 4321, 123);
    expect((await exportSpansGrpc(viaGrpc.grpcUrl!, spans, { gzip: true })).code).toBe(0);
    const m = await scrape(viaGrpc.metricsUrl);
    expectUsd(total(m, PROM.cost, { service_name: 'svc-grpc-gzip' }), price('gpt-4o', 'openai', 4321, 123));
  });

  it('counts a re-sent request once, whichever protocol carries the copy', async () => {
    const { spans } = chatRequest('svc-grpc-resend', 700, 70);
    expect((await exportSpansGrpc(viaGrpc.grpcUrl!, spans)).code).toBe(0);
    expect((await exportSpansGrpc(viaGrpc.grpcUrl!, spans)).code).toBe(0);
    expect((await exportSpans(viaGrpc.otlpUrl, 'proto', spans)).code).toBe(0);
    const m = await scrape(viaGrpc.metricsUrl);
    expect(total(m, PROM.requests, { service_name: 'svc-grpc-resend' })).toBe(1);
    expectUsd(total(m, PROM.cost, { service_name: 'svc-grpc-resend' }), price('gpt-4o', 'openai', 700, 70));
  });

  it('answers partial success for unusable spans and counts the rest', async () => {
    const { body } = chatRequest('svc-grpc-partial', 10, 10);
    // A second ResourceSpans whose one span has an 8-byte trace id.
    const len = (field: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([(field << 3) | 2, payload.length]), payload]);
    const bad = len(1, len(2, len(2, Buffer.concat([len(1, Buffer.alloc(8, 7)), len(2, Buffer.alloc(8, 9))]))));
    const out = await rawExport(viaGrpc.grpcUrl!, Buffer.concat([body, bad]));
    expect(out.code).toBe(OK);
    const response = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(out.response!));
    expect(Number(response.partialSuccess?.rejectedSpans)).toBe(1);
    expect(response.partialSuccess?.errorMessage).toMatch(/trace_id must be 16 bytes/);
    const m = await scrape(viaGrpc.metricsUrl);
    expect(total(m, PROM.requests, { service_name: 'svc-grpc-partial' })).toBe(1);
    expect(total(m, PROM.spansInvalid, { reason: 'invalid_trace_id' })).toBe(1);
    // A fully good request gets an empty response: no partial_success at all.
    const clean = await rawExport(viaGrpc.grpcUrl!, chatRequest('svc-grpc-clean').body);
    expect([clean.code, clean.response!.length]).toEqual([OK, 0]);
  });
});

describe('OTLP/gRPC: bad input gets the right status, counts nothing, and the server keeps serving', () => {
  const open: RunningCollector[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  const start = async (config: Parameters<typeof testCollector>[0] = {}): Promise<RunningCollector> => {
    const c = await testCollector(config);
    open.push(c);
    return c;
  };
  /** The server still prices a good request after whatever came before. */
  const stillServes = async (c: RunningCollector, service: string, metadata: Record<string, string> = {}): Promise<void> => {
    expect((await exportSpansGrpc(c.grpcUrl!, chatRequest(service, 500, 50).spans, { metadata })).code).toBe(0);
    expectUsd(total(await scrape(c.metricsUrl), PROM.cost, { service_name: service }), price('gpt-4o', 'openai', 500, 50));
  };

  it('garbage bytes or bad gzip: INVALID_ARGUMENT, counted as payload_malformed / payload_bad_gzip', async () => {
    const c = await start();
    const out = await rawExport(c.grpcUrl!, Buffer.from('this is not a protobuf message \xff\xff\xff\xff'));
    expect(out.code).toBe(INVALID_ARGUMENT);
    expect(out.details).toMatch(/malformed ExportTraceServiceRequest/);
    // A valid request truncated inside a span: also undecodable, and none of its spans counts.
    const { body } = chatRequest('svc-truncated');
    expect((await rawExport(c.grpcUrl!, body.subarray(0, body.length - 7))).code).toBe(INVALID_ARGUMENT);
    // A message flagged gzip that is not gzip (a valid request, uncompressed): undecodable too.
    const notGzip = openRawStream(c.grpcUrl!, Buffer.alloc(0), { 'grpc-encoding': 'gzip' });
    notGzip.stream.end(grpcFrame(body, body.length, true));
    expect(await notGzip.status).toEqual({ code: INVALID_ARGUMENT, message: 'request message is not valid gzip: incorrect header check' });
    notGzip.session.close();
    // Gzip cut off before its end.
    const cutGzip = gzipSync(body).subarray(0, 40);
    const truncated = openRawStream(c.grpcUrl!, Buffer.alloc(0), { 'grpc-encoding': 'gzip' });
    truncated.stream.end(grpcFrame(cutGzip, cutGzip.length, true));
    expect(await truncated.status).toEqual({ code: INVALID_ARGUMENT, message: 'request message is not valid gzip: unexpected end of file' });
    truncated.session.close();
    const m = await scrape(c.metricsUrl);
    expect(total(m, PROM.spansInvalid, { reason: 'payload_malformed' })).toBe(2);
    expect(total(m, PROM.spansInvalid, { reason: 'payload_bad_gzip' })).toBe(2);
    expect(total(m, PROM.requests)).toBe(0);
    await stillServes(c, 'svc-after-garbage');
  });

  it('oversized messages, plain or as a gzip bomb: RESOURCE_EXHAUSTED, nothing counted', async () => {
    const c = await start({ maxBodyBytes: 32 * 1024, maxDecompressedBytes: 64 * 1024 });
    const t = recordedTracer('svc-oversized');
    for (let i = 0; i < 400; i++) t.span('chat gpt-4o', genAiChat('gpt-4o', 100, 10, { 'app.padding': 'x'.repeat(200) }));
    const big = encode(t.finished());
    expect(big.length).toBeGreaterThan(64 * 1024);
    const plain = await rawExport(c.grpcUrl!, big);
    expect(plain.code).toBe(RESOURCE_EXHAUSTED);
    expect((await exportSpansGrpc(c.grpcUrl!, t.finished())).code).not.toBe(0);
    // Small on the wire, past the limit once inflated.
    expect(gzipSync(big).length).toBeLessThan(64 * 1024);
    const bomb = await rawExport(c.grpcUrl!, big, { gzip: true });
    expect(bomb.code).toBe(RESOURCE_EXHAUSTED);
    expect(total(await scrape(c.metricsUrl), PROM.requests)).toBe(0);
    await stillServes(c, 'svc-after-oversized');
  });

  it('a missing or wrong bearer token: UNAUTHENTICATED; the right one: counted', async () => {
    const c = await start({ authToken: 'grpc-test-token-1' });
    const { spans } = chatRequest('svc-grpc-auth');
    expect((await rawExport(c.grpcUrl!, encode(spans))).code).toBe(UNAUTHENTICATED);
    const wrong = await rawExport(c.grpcUrl!, encode(spans), { metadata: { authorization: 'Bearer grpc-test-token-2' } });
    expect(wrong.code).toBe(UNAUTHENTICATED);
    expect(wrong.details).toMatch(/bearer token/);
    expect((await exportSpansGrpc(c.grpcUrl!, spans, { metadata: { authorization: 'Basic grpc-test-token-1' } })).code).not.toBe(0);
    expect(total(await scrape(c.metricsUrl), PROM.requests)).toBe(0);
    await stillServes(c, 'svc-grpc-auth', { authorization: 'Bearer grpc-test-token-1' });
  });

  it('a message still being sent holds no slot; cut mid-way it counts nothing', async () => {
    const c = await start({ maxConcurrentRequests: 1 });
    const { body } = chatRequest('svc-cut');
    const raw = openRawStream(c.grpcUrl!, grpcFrame(body.subarray(0, body.length >> 1), body.length));
    await pingedBack(raw);
    // As on OTLP/HTTP, a call takes its slot once its message has arrived: the next call goes through.
    expect((await rawExport(c.grpcUrl!, chatRequest('svc-beside-cut').body)).code).toBe(OK);
    raw.stream.close(0x8); // RST_STREAM CANCEL
    raw.session.close();
    const m = await scrape(c.metricsUrl);
    expect(total(m, PROM.requests, { service_name: 'svc-cut' })).toBe(0);
    expect(total(m, PROM.requests, { service_name: 'svc-beside-cut' })).toBe(1);
    await stillServes(c, 'svc-after-cut');
  });

  it('bytes being read are bounded by read_buffer_bytes, shared with OTLP/HTTP: past it UNAVAILABLE, /healthz degraded', async () => {
    const c = await start({ maxBodyBytes: 8192, readBufferBytes: 8192 });
    // A call that has sent 6,000 of its 7,000 bytes holds them from the budget.
    const holder = openRawStream(c.grpcUrl!, grpcFrame(Buffer.alloc(6000, 1), 7000));
    await pingedBack(holder);
    const t = recordedTracer('svc-over-budget');
    t.span('chat gpt-4o', genAiChat('gpt-4o', 100, 10, { 'app.padding': 'x'.repeat(3000) }));
    const refused = await rawExport(c.grpcUrl!, encode(t.finished()));
    expect(refused).toEqual({ code: UNAVAILABLE, details: 'the collector is reading 8192 bytes of requests already; retry' });
    const health = await fetch(c.metricsUrl.replace(/\/metrics$/, '/healthz'));
    expect(health.status).toBe(503);
    expect(await health.text()).toMatch(/intake_busy/);
    holder.stream.close(0x8);
    holder.session.close();
    // The bytes are back: the same request goes through.
    await until(async () => (await rawExport(c.grpcUrl!, encode(t.finished()))).code === OK, 'the budget to be free again');
    expect(total(await scrape(c.metricsUrl), PROM.requests, { service_name: 'svc-over-budget' })).toBe(1);
  });

  it('a bare HTTP/2 client: counted like any call; a deadline it set ends a slow message with DEADLINE_EXCEEDED', async () => {
    const c = await start();
    const { body } = chatRequest('svc-raw-ok');
    // The same bytes over a bare HTTP/2 stream, sent in two writes.
    const raw = openRawStream(c.grpcUrl!, grpcFrame(body).subarray(0, 10));
    raw.stream.end(grpcFrame(body).subarray(10));
    expect((await raw.status).code).toBe(OK);
    raw.session.close();
    expectUsd(total(await scrape(c.metricsUrl), PROM.cost, { service_name: 'svc-raw-ok' }), price('gpt-4o', 'openai', 1000, 100));
    const slow = openRawStream(c.grpcUrl!, grpcFrame(body.subarray(0, 20), body.length), { 'grpc-timeout': '200m' });
    expect((await slow.status).code).toBe(DEADLINE_EXCEEDED);
    slow.session.destroy();
    await stillServes(c, 'svc-after-deadline');
  });
});

describe('OTLP/gRPC: compression and methods', () => {
  it('deflate from grpc-js is counted; an unknown grpc-encoding or method: UNIMPLEMENTED, nothing counted', async () => {
    const c = await testCollector();
    try {
      expect((await rawExport(c.grpcUrl!, chatRequest('svc-deflate', 700, 70).body, { compression: 'deflate' })).code).toBe(OK);
      expectUsd(total(await scrape(c.metricsUrl), PROM.cost, { service_name: 'svc-deflate' }), price('gpt-4o', 'openai', 700, 70));
      const { body } = chatRequest('svc-snappy');
      const snappy = openRawStream(c.grpcUrl!, Buffer.alloc(0), { 'grpc-encoding': 'snappy' });
      snappy.stream.end(grpcFrame(body, body.length, true));
      expect(await snappy.status).toEqual({ code: UNIMPLEMENTED, message: 'grpc-encoding "snappy" is not supported; send one of identity,deflate,gzip' });
      snappy.session.close();
      const other = await rawExport(c.grpcUrl!, body, { path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export' });
      expect(other).toEqual({ code: UNIMPLEMENTED, details: `unknown method /opentelemetry.proto.collector.metrics.v1.MetricsService/Export; this receiver serves ${EXPORT_PATH}` });
      const m = await scrape(c.metricsUrl);
      expect(total(m, PROM.requests, { service_name: 'svc-snappy' })).toBe(0);
      expect(total(m, PROM.requests)).toBe(1);
    } finally {
      await c.close();
    }
  });
});

describe('OTLP/gRPC: a client that never finishes its message', () => {
  it('gets DEADLINE_EXCEEDED after body_timeout_ms, and its slot is freed', async () => {
    const c = await testCollector({ bodyTimeoutMs: 300, maxConcurrentRequests: 1 });
    try {
      const { body } = chatRequest('svc-stalled');
      const stalled = openRawStream(c.grpcUrl!, grpcFrame(body.subarray(0, 20), body.length));
      const t0 = Date.now();
      const got = await stalled.status;
      expect(got.code).toBe(DEADLINE_EXCEEDED);
      expect(got.message).toMatch(/not received within 300 ms/);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
      stalled.session.destroy();
      // The only slot is free again: a complete call goes through, and nothing of the stalled one counted.
      expect((await rawExport(c.grpcUrl!, chatRequest('svc-after-stall').body)).code).toBe(OK);
      const m = await scrape(c.metricsUrl);
      expect(total(m, PROM.requests, { service_name: 'svc-after-stall' })).toBe(1);
      expect(total(m, PROM.requests, { service_name: 'svc-stalled' })).toBe(0);
    } finally {
      await c.close();
    }
  });
});

describe('OTLP/gRPC: slow senders', () => {
  it('40 calls sending their message slowly (max_concurrent_requests 4): every valid call is accepted; the slow ones get DEADLINE_EXCEEDED at body_timeout_ms', async () => {
    const c = await testCollector({ maxConcurrentRequests: 4, bodyTimeoutMs: 4000 });
    try {
      const { body } = chatRequest('svc-slow');
      const slow = Array.from({ length: 40 }, () => openRawStream(c.grpcUrl!, grpcFrame(body.subarray(0, 20), body.length)));
      await Promise.all(slow.map((s) => pingedBack(s)));
      const t0 = Date.now();
      const valid = await Promise.all(Array.from({ length: 8 }, (_, i) => exportSpansGrpc(c.grpcUrl!, chatRequest(`svc-valid-${i}`, 400, 40).spans)));
      expect(valid.map((r) => r.code)).toEqual(Array(8).fill(0));
      expect(Date.now() - t0).toBeLessThan(4000); // before any slow call's deadline
      const statuses = await Promise.all(slow.map((s) => s.status));
      expect(new Set(statuses.map((s) => `${s.code} ${s.message}`))).toEqual(new Set([`${DEADLINE_EXCEEDED} request message not received within 4000 ms`]));
      for (const s of slow) s.session.destroy();
      const m = await scrape(c.metricsUrl);
      for (let i = 0; i < 8; i++) expectUsd(total(m, PROM.cost, { service_name: `svc-valid-${i}` }), price('gpt-4o', 'openai', 400, 40));
      expect(total(m, PROM.requests, { service_name: 'svc-slow' })).toBe(0);
      expect(total(m, PROM.spansInvalid, { reason: 'payload_timeout' })).toBe(40);
    } finally {
      await c.close();
    }
  });
});

describe('OTLP/gRPC: forwarding, drain, off', () => {
  it('forwards what it receives over gRPC, annotated, as OTLP/HTTP protobuf', async () => {
    const downstream = await testCollector({ grpcPort: 'off' });
    const c = await testCollector({ forward: { endpoint: downstream.otlpUrl } });
    try {
      expect(downstream.grpcUrl).toBeUndefined();
      const { spans } = chatRequest('svc-grpc-fwd', 2000, 200);
      expect((await exportSpansGrpc(c.grpcUrl!, spans)).code).toBe(0);
      // The downstream collector counts the forwarded copy: same span, same price.
      await until(async () => total(await scrape(downstream.metricsUrl), PROM.requests, { service_name: 'svc-grpc-fwd' }) === 1, 'the forwarded span');
      const want = price('gpt-4o', 'openai', 2000, 200);
      expectUsd(total(await scrape(downstream.metricsUrl), PROM.cost, { service_name: 'svc-grpc-fwd' }), want);
      expectUsd(total(await scrape(c.metricsUrl), PROM.cost, { service_name: 'svc-grpc-fwd' }), want);
    } finally {
      await c.close();
      await downstream.close();
    }
  });

  it('drain: new calls get UNAVAILABLE, the call in flight finishes and is processed', async () => {
    // Forwarding shows the in-flight call went through the pipeline: close() drains the
    // forward queue, so the downstream collector has it once close() resolves.
    const downstream = await testCollector({ grpcPort: 'off' });
    const c = await testCollector({ forward: { endpoint: downstream.otlpUrl }, maxConcurrentRequests: 1 });
    try {
      const { body } = chatRequest('svc-drain', 900, 90);
      const frame = grpcFrame(body);
      const inFlight = openRawStream(c.grpcUrl!, frame.subarray(0, 12));
      // Admitted once the server has its headers.
      await pingedBack(inFlight);
      let closeDone = false;
      const closed = c.close().then(() => (closeDone = true));
      expect((await rawExport(c.grpcUrl!, chatRequest('svc-late').body)).code).toBe(UNAVAILABLE);
      expect(closeDone).toBe(false);
      inFlight.stream.end(frame.subarray(12));
      expect((await inFlight.status).code).toBe(OK);
      inFlight.session.close();
      await closed;
      const m = await scrape(downstream.metricsUrl);
      expect(total(m, PROM.requests, { service_name: 'svc-drain' })).toBe(1);
      expectUsd(total(m, PROM.cost, { service_name: 'svc-drain' }), price('gpt-4o', 'openai', 900, 90));
      expect(total(m, PROM.requests, { service_name: 'svc-late' })).toBe(0);
    } finally {
      await c.close();
      await downstream.close();
    }
  });

  it('off: no gRPC listener, OTLP/HTTP unaffected', async () => {
    const c = await testCollector({ grpcPort: 'off' });
    try {
      expect(c.grpcUrl).toBeUndefined();
      expect(c.config.grpcPort).toBeUndefined();
      expect((await exportSpans(c.otlpUrl, 'proto', chatRequest('svc-http-only').spans)).code).toBe(0);
    } finally {
      await c.close();
    }
  });
});
