// 1,000 malformed or hostile payloads against one collector: each gets its exact status,
// the server stays healthy, and no cost metric moves. Deterministic (seeded) generator.
import { gzipSync } from 'node:zlib';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../src/collector/index.js';
import { PROM } from '../../src/semconv.js';
import { exportSpans, scrape, testCollector, total } from './helpers/collector.js';
import type { Sample } from './helpers/collector.js';
import { genAiChat, recordedTracer } from './helpers/spans.js';

const MAX_BODY = 4 * 1024 * 1024;
const MAX_INFLATED = 8 * 1024 * 1024;

interface Case {
  kind: string;
  method?: string;
  path?: string;
  headers: Record<string, string>;
  body?: Buffer;
  status: number;
  /** llm.cost.spans.invalid reason this case adds to, and by how much. */
  invalid?: [string, number];
}

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Hand encoding for shapes the SDK cannot produce.
const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n >= 128) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
};
const key = (field: number, wire: number): number[] => varint((field << 3) | wire);
const len = (field: number, payload: number[] | Buffer): Buffer => Buffer.concat([Buffer.from([...key(field, 2), ...varint(payload.length)]), Buffer.from(payload)]);
const request = (span: Buffer): Buffer => len(1, len(2, len(2, span)));
const ids = (r: () => number): Buffer => Buffer.concat([len(1, Buffer.from(Array.from({ length: 16 }, () => 1 + Math.floor(r() * 255)))), len(2, Buffer.from(Array.from({ length: 8 }, () => 1 + Math.floor(r() * 255))))]);

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };

function buildCases(validProto: Buffer, validJson: string): Case[] {
  const r = rng(20261128);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const makers: Array<() => Case> = [
    // Truncated protobuf: any cut strictly inside the single ResourceSpans is malformed.
    () => ({ kind: 'truncated', headers: PROTO, body: validProto.subarray(0, 1 + Math.floor(r() * (validProto.length - 1))), status: 400, invalid: ['payload_malformed', 1] }),
    // A known Span field with a wire type its schema does not declare.
    () => {
      const [field, wrong] = pick([[1, 0], [2, 5], [4, 1], [5, 0], [7, 0], [8, 2], [9, 0], [15, 5]] as const);
      const payload = wrong === 0 ? [...key(field, 0), 1] : wrong === 1 ? [...key(field, 1), 0, 0, 0, 0, 0, 0, 0, 0] : wrong === 5 ? [...key(field, 5), 0, 0, 0, 0] : [...key(field, 2), 1, 0];
      return { kind: 'wrong-wire-type', headers: PROTO, body: request(Buffer.concat([ids(r), Buffer.from(payload)])), status: 400, invalid: ['payload_malformed', 1] };
    },
    // Groups, reserved wire types, 11-byte varints, lengths past the end.
    () => {
      const body = pick([
        Buffer.from([...key(1, 3)]),
        Buffer.from([...key(2, 6), 0]),
        Buffer.from([...key(3, 7)]),
        Buffer.from([...key(5, 0), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
        Buffer.from([...key(1, 2), ...varint(1000), 1, 2, 3]),
        Buffer.from([0x00]),
      ]);
      return { kind: 'bad-framing', headers: PROTO, body, status: 400, invalid: ['payload_malformed', 1] };
    },
    // Unusable ids in a well-formed request: 200 with partial_success.
    () => {
      const bad = pick([
        ['invalid_trace_id', Buffer.concat([len(1, Buffer.alloc(15, 1)), len(2, Buffer.alloc(8, 2))])],
        ['invalid_span_id', Buffer.concat([len(1, Buffer.alloc(16, 1)), len(2, Buffer.alloc(8, 0))])],
        ['invalid_parent_span_id', Buffer.concat([ids(r), len(4, Buffer.alloc(3, 1))])],
      ] as const);
      return { kind: 'bad-ids', headers: PROTO, body: request(Buffer.concat([bad[1], len(9, Buffer.concat([len(1, Buffer.from('gen_ai.usage.input_tokens')), len(2, Buffer.from([...key(3, 0), 100]))]))])), status: 200, invalid: [bad[0], 1] };
    },
    // Deeply nested AnyValue (protobuf): cut at the depth limit, accepted.
    () => {
      let v: Buffer = Buffer.from([...key(1, 2), 1, 0x78]);
      const depth = 20 + Math.floor(r() * 400);
      for (let i = 0; i < depth; i++) v = len(5, len(1, v));
      return { kind: 'deep-proto', headers: PROTO, body: request(Buffer.concat([ids(r), len(9, Buffer.concat([len(1, Buffer.from('deep')), len(2, v)]))])), status: 200 };
    },
    // Deeply nested JSON: cut at the depth limit, accepted.
    () => {
      let v = '{"stringValue":"x"}';
      const depth = 20 + Math.floor(r() * 2000);
      for (let i = 0; i < depth; i++) v = `{"arrayValue":{"values":[${v}]}}`;
      const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","attributes":[{"key":"deep","value":${v}}]}]}]}]}`;
      return { kind: 'deep-json', headers: JSON_CT, body: Buffer.from(body), status: 200 };
    },
    // Malformed JSON text or wrong JSON types.
    () => {
      const body = pick([
        validJson.slice(0, 1 + Math.floor(r() * (validJson.length - 1))),
        '{"resourceSpans":"nope"}',
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","attributes":5}]}]}]}',
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","attributes":[{"key":"k","value":{"intValue":"abc"}}]}]}]}]}',
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"-5"}]}]}]}',
        'null',
        '',
      ]);
      return { kind: 'bad-json', headers: JSON_CT, body: Buffer.from(body), status: 400, invalid: ['payload_malformed', 1] };
    },
    // Bad gzip: random bytes, or a valid stream cut short.
    () => {
      const body = r() < 0.5 ? Buffer.from(Array.from({ length: 1 + Math.floor(r() * 200) }, () => Math.floor(r() * 256))) : gzipSync(validProto).subarray(0, 12 + Math.floor(r() * 20));
      return { kind: 'bad-gzip', headers: { ...PROTO, 'content-encoding': 'gzip' }, body, status: 400, invalid: ['payload_bad_gzip', 1] };
    },
    // Unsupported media types and encodings.
    () => {
      const headers = pick([{ 'content-type': 'text/plain' }, { 'content-type': 'application/grpc' }, { 'content-type': 'application/xml' }, {}, { ...PROTO, 'content-encoding': 'br' }, { ...JSON_CT, 'content-encoding': 'deflate' }]) as Record<string, string>;
      return { kind: 'media-type', headers, body: validProto, status: 415, invalid: ['payload_unsupported_media_type', 1] };
    },
    // Wrong method or path.
    () => (r() < 0.5 ? { kind: 'method', method: pick(['GET', 'PUT', 'DELETE']), headers: PROTO, status: 405 } : { kind: 'path', path: pick(['/v1/metrics', '/v1/logs', '/', '/v1/traces/x']), headers: PROTO, body: validProto, status: 404 }),
  ];
  const rare: Array<() => Case> = [
    // Huge strings are fine.
    () => ({ kind: 'huge-string', headers: PROTO, body: request(Buffer.concat([ids(r), len(5, Buffer.alloc(1_000_000 + Math.floor(r() * 2_000_000), 0x61))])), status: 200 }),
    // Over the wire limit.
    () => ({ kind: 'oversize', headers: PROTO, body: Buffer.alloc(MAX_BODY + 1 + Math.floor(r() * 1000), 0), status: 413, invalid: ['payload_too_large', 1] }),
    // A gzip bomb: small on the wire, over the inflated limit.
    () => ({ kind: 'gzip-bomb', headers: { ...PROTO, 'content-encoding': 'gzip' }, body: BOMB, status: 413, invalid: ['payload_too_large', 1] }),
  ];
  const cases: Case[] = [];
  for (let i = 0; i < 1000; i++) cases.push(i % 50 === 7 ? rare[(i / 50) % rare.length | 0]!() : makers[i % makers.length]!());
  return cases;
}

const BOMB = gzipSync(Buffer.alloc(MAX_INFLATED + 1024, 0));

function costSeries(samples: Sample[]): string {
  return samples
    .filter((s) => [PROM.cost, PROM.tokens, PROM.requests, PROM.requestCostSum, PROM.requestCostCount].includes(s.name as never))
    .map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`)
    .sort()
    .join('\n');
}

describe('collector: 1,000 malformed or fuzzed payloads', () => {
  let collector: RunningCollector;
  beforeAll(async () => {
    collector = await testCollector({ maxBodyBytes: MAX_BODY, maxDecompressedBytes: MAX_INFLATED });
  });
  afterAll(async () => {
    await collector.close();
  });

  it('gives the right status to each, stays healthy, and moves no cost metric', async () => {
    const t = recordedTracer('svc-fuzz');
    t.span('chat', genAiChat('gpt-4o', 100, 10));
    expect((await exportSpans(collector.otlpUrl, 'proto', t.finished())).code).toBe(0);
    const validProto = Buffer.from(ProtobufTraceSerializer.serializeRequest(t.finished() as never)!);
    const validJson = Buffer.from(JsonTraceSerializer.serializeRequest(t.finished() as never)!).toString();
    const before = await scrape(collector.metricsUrl);

    const cases = buildCases(validProto, validJson);
    const expectedInvalid = new Map<string, number>();
    const kinds = new Map<string, number>();
    // A body answered 200 before is a re-send: answered again, its spans not counted again.
    const processed = new Set<string>();
    const base = new URL(collector.otlpUrl);
    for (const c of cases) {
      const url = new URL(c.path ?? base.pathname, base);
      const res = await fetch(url, { method: c.method ?? 'POST', headers: c.headers, body: c.method === undefined ? c.body : undefined });
      const text = Buffer.from(await res.arrayBuffer());
      if (res.status !== c.status) throw new Error(`${c.kind}: status ${res.status}, expected ${c.status}: ${text.toString().slice(0, 200)}`);
      const resent = c.status === 200 && c.body !== undefined && processed.has(c.body.toString('base64'));
      if (c.status === 200 && c.body !== undefined) processed.add(c.body.toString('base64'));
      if (c.invalid && !resent) expectedInvalid.set(c.invalid[0], (expectedInvalid.get(c.invalid[0]) ?? 0) + c.invalid[1]);
      kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
    }
    expect(cases).toHaveLength(1000);
    expect(kinds.size).toBe(14);

    const health = await fetch(collector.metricsUrl.replace('/metrics', '/healthz'));
    expect(health.status).toBe(200);
    const after = await scrape(collector.metricsUrl);
    expect(costSeries(after)).toBe(costSeries(before));
    for (const [reason, n] of expectedInvalid) {
      expect(total(after, PROM.spansInvalid, { reason }) - total(before, PROM.spansInvalid, { reason }), reason).toBe(n);
    }

    // Still counting valid data afterwards.
    const again = recordedTracer('svc-fuzz');
    again.span('chat', genAiChat('gpt-4o', 100, 10));
    expect((await exportSpans(collector.otlpUrl, 'proto', again.finished())).code).toBe(0);
    expect(total(await scrape(collector.metricsUrl), PROM.requests, { service_name: 'svc-fuzz' })).toBe(2);
  });
});
