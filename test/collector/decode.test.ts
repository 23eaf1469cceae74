import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { MAX_VALUE_DEPTH } from '../../src/collector/decoded-batch.js';
import { decodeTraceRequestJson } from '../../src/collector/otlp-json-decode.js';
import { decodeTraceRequestProto } from '../../src/collector/otlp-proto-decode.js';
import { ProtoDecodeError } from '../../src/collector/proto-reader.js';
import { spanInputFromReadable } from '../../src/readable-span.js';
import type { SpanInput } from '../../src/types.js';
import { SpanStatusCode, genAiChat, openInferenceLlm, recordedTracer } from './helpers/spans.js';

type Serializable = Parameters<typeof ProtobufTraceSerializer.serializeRequest>[0];

function sampleSpans(): ReadableSpan[] {
  const t = recordedTracer('decode-svc', { 'deployment.environment': 'test', 'host.count': 3 });
  t.span('agent', { 'gen_ai.operation.name': 'invoke_agent', tags: ['a', 'b'], weights: [1.5, 2.5], flags: [true, false] }, () => {
    t.span('chat gpt-4o', genAiChat('gpt-4o', 1200, 340, { 'gen_ai.request.temperature': 0.25, streaming: true, big: 2 ** 40 }));
    const failed = recordedTracer('x').provider.getTracer('x');
    void failed;
    t.span('llm', openInferenceLlm('claude-3-5-sonnet-20241022', 10, 20), undefined, { name: 'openinference', version: '0.1.0' });
  });
  const errSpan = t.provider.getTracer('err-scope').startSpan('chat failed', { attributes: genAiChat('gpt-4o-mini', 5, 0) });
  errSpan.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited: 429' });
  errSpan.end();
  t.span('unicode ✓ 名前', { 'text.value': 'x'.repeat(70_000) + 'é' });
  return t.finished();
}

function expectSame(decoded: SpanInput[], spans: ReadableSpan[]): void {
  expect(decoded).toHaveLength(spans.length);
  const byId = new Map(decoded.map((d) => [d.spanId, d]));
  for (const span of spans) {
    const want = spanInputFromReadable(span);
    const got = byId.get(want.spanId)!;
    expect(got.traceId).toBe(want.traceId);
    expect(got.spanId).toBe(want.spanId);
    expect(got.parentSpanId).toBe(want.parentSpanId);
    expect(got.name).toBe(want.name);
    expect(got.startTimeMs).toBeCloseTo(want.startTimeMs, 3);
    expect(got.endTimeMs).toBeCloseTo(want.endTimeMs, 3);
    expect(got.statusError).toBe(want.statusError);
    expect(got.statusMessage ?? undefined).toBe(want.statusMessage ?? undefined);
    expect(got.attributes).toEqual(want.attributes);
    expect(got.resourceAttributes).toEqual(want.resourceAttributes);
    expect(got.scopeName).toBe(want.scopeName);
    expect(got.scopeVersion ?? '').toBe(want.scopeVersion ?? '');
  }
}

/** Builds protobuf bytes by hand for the cases the SDK serializer cannot produce. */
function key(field: number, wire: number): number[] {
  return varint((field << 3) | wire);
}
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 128) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
function len(field: number, payload: number[]): number[] {
  return [...key(field, 2), ...varint(payload.length), ...payload];
}
function str(field: number, s: string): number[] {
  return len(field, [...Buffer.from(s)]);
}
function request(spans: number[][], resource: number[] = []): Buffer {
  const scopeSpans = spans.flatMap((s) => len(2, s));
  return Buffer.from(len(1, [...resource, ...len(2, scopeSpans)]));
}
const TRACE = Array.from({ length: 16 }, (_, i) => i + 1);
const SPAN = Array.from({ length: 8 }, (_, i) => i + 0x20);

describe('OTLP decoders', () => {
  it('protobuf: decodes what the SDK serializer writes, field for field', () => {
    const spans = sampleSpans();
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans as unknown as Serializable)!);
    const batch = decodeTraceRequestProto(body);
    expect(batch.rejectedCount).toBe(0);
    expect(batch.totalSpans).toBe(spans.length);
    expect(batch.ordinals).toEqual(spans.map((_, i) => i));
    expectSame(batch.spans, spans);
  });

  it('JSON: decodes what the SDK JSON serializer writes, field for field', () => {
    const spans = sampleSpans();
    const text = Buffer.from(JsonTraceSerializer.serializeRequest(spans as unknown as Serializable)!).toString('utf8');
    const batch = decodeTraceRequestJson(text);
    expect(batch.rejectedCount).toBe(0);
    expectSame(batch.spans, spans);
    expect(batch.rawSpans).toHaveLength(spans.length);
  });

  it('protobuf: rejects spans with bad ids, keeps the rest, and reads resource after scope_spans', () => {
    const good = [...len(1, TRACE), ...len(2, SPAN), ...str(5, 'ok'), ...len(9, [...str(1, 'k'), ...len(2, [...key(3, 0), ...varint(7)])])];
    const shortTrace = [...len(1, TRACE.slice(0, 15)), ...len(2, SPAN)];
    const zeroSpan = [...len(1, TRACE), ...len(2, new Array(8).fill(0))];
    const badParent = [...len(1, TRACE), ...len(2, [9, 9, 9, 9, 9, 9, 9, 9]), ...len(4, [1, 2, 3])];
    const dup = good;
    const resource = len(1, len(1, [...str(1, 'service.name'), ...len(2, str(1, 'late'))]));
    const scopeSpans = [good, shortTrace, zeroSpan, badParent, dup].flatMap((s) => len(2, s));
    const body = Buffer.from(len(1, [...len(2, scopeSpans), ...resource]));
    const batch = decodeTraceRequestProto(body);
    expect(batch.totalSpans).toBe(5);
    expect(batch.rejected).toEqual({ invalid_trace_id: 1, invalid_span_id: 1, invalid_parent_span_id: 1, duplicate_span: 1 });
    expect(batch.spans).toHaveLength(1);
    expect(batch.ordinals).toEqual([0]);
    expect(batch.spans[0]!.attributes).toEqual({ k: 7 });
    expect(batch.spans[0]!.resourceAttributes).toEqual({ 'service.name': 'late' });
  });

  it('protobuf: negative int64, bytes and kvlist values; deep nesting is cut, not fatal', () => {
    let deep: number[] = [...key(1, 2), ...varint(1), 0x78]; // AnyValue{string_value:"x"}
    for (let i = 0; i < 50; i++) deep = len(5, len(1, deep)); // array_value{values:[deep]}
    const attrs = [
      ...len(9, [...str(1, 'neg'), ...len(2, [...key(3, 0), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])]),
      ...len(9, [...str(1, 'raw'), ...len(2, len(7, [1, 2, 3]))]),
      ...len(9, [...str(1, 'map'), ...len(2, len(6, len(1, [...str(1, 'inner'), ...len(2, str(1, 'v'))])))]),
      ...len(9, [...str(1, 'deep'), ...len(2, deep)]),
      ...len(9, [...str(1, '__proto__'), ...len(2, len(6, []))]),
    ];
    const batch = decodeTraceRequestProto(request([[...len(1, TRACE), ...len(2, SPAN), ...attrs]]));
    const a = batch.spans[0]!.attributes as Record<string, unknown>;
    expect(a.neg).toBe(-1);
    expect(a.raw).toEqual(new Uint8Array([1, 2, 3]));
    expect(a.map).toEqual({ inner: 'v' });
    let level: unknown = a.deep;
    let depth = 0;
    while (Array.isArray(level)) {
      level = level[0];
      depth++;
    }
    expect(depth).toBe(MAX_VALUE_DEPTH - 1); // the innermost kept array is empty: its child was cut
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
  });

  it('protobuf: reads the deprecated instrumentation_library_spans (field 1000) of old senders', () => {
    const lib = [...len(1, [...str(1, 'old-lib'), ...str(2, '0.9')]), ...len(2, [...len(1, TRACE), ...len(2, SPAN), ...str(5, 'legacy')])];
    const batch = decodeTraceRequestProto(Buffer.from(len(1, len(1000, lib))));
    expect(batch.spans).toHaveLength(1);
    expect(batch.spans[0]).toMatchObject({ name: 'legacy', scopeName: 'old-lib', scopeVersion: '0.9' });
  });

  it('protobuf: truncation and wrong wire types are errors', () => {
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(sampleSpans() as unknown as Serializable)!);
    for (const cut of [1, 2, 10, 50, body.length - 1]) {
      expect(() => decodeTraceRequestProto(body.subarray(0, cut))).toThrow(ProtoDecodeError);
    }
    // Span.start_time_unix_nano (7) sent as a varint instead of fixed64.
    expect(() => decodeTraceRequestProto(request([[...len(1, TRACE), ...len(2, SPAN), ...key(7, 0), 5]]))).toThrow(/wire type/);
    // resource_spans as a varint.
    expect(() => decodeTraceRequestProto(Buffer.from([...key(1, 0), 1]))).toThrow(/wire type/);
    // a group (wire type 3) as an unknown field.
    expect(() => decodeTraceRequestProto(Buffer.from([...key(9, 3)]))).toThrow(/wire type/);
    // an empty body is an empty, valid request.
    expect(decodeTraceRequestProto(Buffer.alloc(0)).totalSpans).toBe(0);
  });

  it('JSON: bad shapes are errors, bad ids are rejected spans, snake_case and enum names accepted', () => {
    expect(() => decodeTraceRequestJson('{"resourceSpans": 5}')).toThrow(/must be an array/);
    expect(() => decodeTraceRequestJson('{"resourceSpans": [')).toThrow(/not valid JSON/);
    expect(() => decodeTraceRequestJson('[]')).toThrow(/must be an object/);
    const batch = decodeTraceRequestJson(
      JSON.stringify({
        resource_spans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { string_value: 'snake' } }] },
            scope_spans: [
              {
                scope: { name: 's', version: '1' },
                spans: [
                  { trace_id: '0102030405060708090a0b0c0d0e0f10', span_id: 'AABBCCDDEEFF0011', name: 'a', start_time_unix_nano: '1700000000000000000', status: { code: 'STATUS_CODE_ERROR' }, attributes: [{ key: 'n', value: { int_value: '42' } }] },
                  { traceId: 'zz', spanId: 'aabbccddeeff0011' },
                  { traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0000000000000000' },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(batch.rejected).toEqual({ invalid_trace_id: 1, invalid_span_id: 1 });
    expect(batch.spans[0]).toMatchObject({ spanId: 'aabbccddeeff0011', statusError: true, startTimeMs: 1700000000000, attributes: { n: 42 }, resourceAttributes: { 'service.name': 'snake' }, scopeName: 's' });
  });
});
