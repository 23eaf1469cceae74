// Decodes an OTLP ExportTraceServiceRequest (protobuf) into SpanInput records.
// Field numbers: opentelemetry-proto collector/trace/v1, trace/v1, common/v1, resource/v1.
import type { SpanInput } from '../types.js';
import { BatchBuilder } from './decoded-batch.js';
import { decodeKeyValue } from './otlp-proto-values.js';
import type { DecodedBatch } from './decoded-batch.js';
import { ProtoDecodeError, ProtoReader, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './proto-reader.js';

type Attrs = Record<string, unknown>;

const STATUS_CODE_ERROR = 2;
const EMPTY_ATTRS: Readonly<Attrs> = Object.freeze({});

/** Decodes a whole request. Throws ProtoDecodeError for malformed bytes; bad spans are counted, not thrown. */
export function decodeTraceRequestProto(body: Buffer): DecodedBatch {
  const r = new ProtoReader(body);
  const out = new BatchBuilder();
  const end = body.length;
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag >>> 3 === 1) {
      r.expect(tag & 7, WIRE_LEN, 'resource_spans');
      const stop = r.lengthEnd(end);
      decodeResourceSpans(r, stop, out);
      r.pos = stop;
    } else {
      r.skip(tag & 7, end);
    }
  }
  return out.batch;
}

function decodeResourceSpans(r: ProtoReader, end: number, out: BatchBuilder): void {
  // Resource may follow its scope_spans on the wire: find both first, then decode spans.
  const start = r.pos;
  let resourceAttrs: Readonly<Attrs> = EMPTY_ATTRS;
  while (r.pos < end) {
    const tag = r.tag(end);
    const field = tag >>> 3;
    if (field === 1) {
      r.expect(tag & 7, WIRE_LEN, 'ResourceSpans.resource');
      const stop = r.lengthEnd(end);
      resourceAttrs = decodeResource(r, stop);
      r.pos = stop;
    } else if (field === 2 || field === 1000) {
      r.expect(tag & 7, WIRE_LEN, 'ResourceSpans.scope_spans');
      r.pos = r.lengthEnd(end);
    } else {
      r.skip(tag & 7, end);
    }
  }
  r.pos = start;
  while (r.pos < end) {
    const tag = r.tag(end);
    const field = tag >>> 3;
    if (field === 2 || field === 1000) {
      const stop = r.lengthEnd(end);
      decodeScopeSpans(r, stop, resourceAttrs, out);
      r.pos = stop;
    } else {
      r.skip(tag & 7, end);
    }
  }
}

function decodeResource(r: ProtoReader, end: number): Attrs {
  const attrs: Attrs = {};
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag >>> 3 === 1) {
      r.expect(tag & 7, WIRE_LEN, 'Resource.attributes');
      const stop = r.lengthEnd(end);
      decodeKeyValue(r, stop, attrs, 1);
      r.pos = stop;
    } else {
      r.skip(tag & 7, end);
    }
  }
  return attrs;
}

function decodeScopeSpans(r: ProtoReader, end: number, resourceAttrs: Readonly<Attrs>, out: BatchBuilder): void {
  const start = r.pos;
  let scopeName: string | undefined;
  let scopeVersion: string | undefined;
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag >>> 3 === 1) {
      r.expect(tag & 7, WIRE_LEN, 'ScopeSpans.scope');
      const stop = r.lengthEnd(end);
      while (r.pos < stop) {
        const t = r.tag(stop);
        const f = t >>> 3;
        if (f === 1) {
          r.expect(t & 7, WIRE_LEN, 'InstrumentationScope.name');
          scopeName = r.string(stop);
        } else if (f === 2) {
          r.expect(t & 7, WIRE_LEN, 'InstrumentationScope.version');
          scopeVersion = r.string(stop);
        } else {
          r.skip(t & 7, stop);
        }
      }
      r.pos = stop;
    } else {
      r.skip(tag & 7, end);
    }
  }
  r.pos = start;
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag >>> 3 === 2) {
      r.expect(tag & 7, WIRE_LEN, 'ScopeSpans.spans');
      const stop = r.lengthEnd(end);
      decodeSpan(r, stop, resourceAttrs, scopeName, scopeVersion, out);
      r.pos = stop;
    } else {
      r.skip(tag & 7, end);
    }
  }
}

function isValidId(buf: Buffer, start: number, stop: number, size: number): boolean {
  if (stop - start !== size) return false;
  for (let i = start; i < stop; i++) if (buf[i] !== 0) return true;
  return false;
}

function decodeSpan(
  r: ProtoReader,
  end: number,
  resourceAttrs: Readonly<Attrs>,
  scopeName: string | undefined,
  scopeVersion: string | undefined,
  out: BatchBuilder,
): void {
  const buf = r.buf;
  let traceStart = -1;
  let traceStop = -1;
  let spanStart = -1;
  let spanStop = -1;
  let parentStart = -1;
  let parentStop = -1;
  let name = '';
  let startNs = 0;
  let endNs = 0;
  let statusError = false;
  let statusMessage: string | undefined;
  const attributes: Attrs = {};
  while (r.pos < end) {
    const tag = r.tag(end);
    const wire = tag & 7;
    switch (tag >>> 3) {
      case 1:
        r.expect(wire, WIRE_LEN, 'Span.trace_id');
        traceStop = r.lengthEnd(end);
        traceStart = r.pos;
        r.pos = traceStop;
        break;
      case 2:
        r.expect(wire, WIRE_LEN, 'Span.span_id');
        spanStop = r.lengthEnd(end);
        spanStart = r.pos;
        r.pos = spanStop;
        break;
      case 4:
        r.expect(wire, WIRE_LEN, 'Span.parent_span_id');
        parentStop = r.lengthEnd(end);
        parentStart = r.pos;
        r.pos = parentStop;
        break;
      case 5:
        r.expect(wire, WIRE_LEN, 'Span.name');
        name = r.string(end);
        break;
      case 7:
        r.expect(wire, WIRE_I64, 'Span.start_time_unix_nano');
        startNs = r.fixed64(end);
        break;
      case 8:
        r.expect(wire, WIRE_I64, 'Span.end_time_unix_nano');
        endNs = r.fixed64(end);
        break;
      case 9: {
        r.expect(wire, WIRE_LEN, 'Span.attributes');
        const stop = r.lengthEnd(end);
        decodeKeyValue(r, stop, attributes, 1);
        r.pos = stop;
        break;
      }
      case 15: {
        r.expect(wire, WIRE_LEN, 'Span.status');
        const stop = r.lengthEnd(end);
        while (r.pos < stop) {
          const t = r.tag(stop);
          const f = t >>> 3;
          if (f === 2) {
            r.expect(t & 7, WIRE_LEN, 'Status.message');
            statusMessage = r.string(stop);
          } else if (f === 3) {
            r.expect(t & 7, WIRE_VARINT, 'Status.code');
            statusError = r.int64(stop) === STATUS_CODE_ERROR;
          } else {
            r.skip(t & 7, stop);
          }
        }
        r.pos = stop;
        break;
      }
      case 3:
      case 11:
      case 13:
        r.expect(wire, WIRE_LEN, 'Span field');
        r.pos = r.lengthEnd(end);
        break;
      case 6:
      case 10:
      case 12:
      case 14:
        r.expect(wire, WIRE_VARINT, 'Span field');
        r.varint(end);
        break;
      case 16:
        r.expect(wire, WIRE_I32, 'Span.flags');
        r.skip(wire, end);
        break;
      default:
        r.skip(wire, end);
    }
  }
  if (!isValidId(buf, traceStart, traceStop, 16)) return out.reject('invalid_trace_id');
  if (!isValidId(buf, spanStart, spanStop, 8)) return out.reject('invalid_span_id');
  let parentSpanId: string | undefined;
  if (parentStop > parentStart) {
    if (parentStop - parentStart !== 8) return out.reject('invalid_parent_span_id');
    if (isValidId(buf, parentStart, parentStop, 8)) parentSpanId = r.hex(parentStart, parentStop);
  }
  const span: SpanInput = {
    traceId: r.hex(traceStart, traceStop),
    spanId: r.hex(spanStart, spanStop),
    parentSpanId,
    name,
    startTimeMs: startNs / 1e6,
    endTimeMs: endNs / 1e6,
    statusError,
    statusMessage,
    attributes,
    resourceAttributes: resourceAttrs,
    scopeName,
    scopeVersion,
  };
  out.accept(span);
}

export { ProtoDecodeError };
