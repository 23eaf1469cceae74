// Appends bytes (extra KeyValue attributes) to chosen spans of an encoded
// ExportTraceServiceRequest, copying everything else through untouched. Protobuf
// concatenates repeated fields, so appended `attributes` entries simply add to the span.
import { ProtoReader } from './proto-reader.js';
import { lenField } from './proto-writer.js';

/**
 * @param body a request that decodeTraceRequestProto accepted
 * @param extras span ordinal (0-based over all spans of the request, in wire order) -> bytes to append
 */
export function spliceSpanExtras(body: Buffer, extras: ReadonlyMap<number, Buffer>): Buffer {
  if (extras.size === 0) return body;
  const r = new ProtoReader(body);
  const state = { ordinal: 0 };
  const parts: Buffer[] = [];
  const end = body.length;
  while (r.pos < end) {
    const fieldStart = r.pos;
    const tag = r.tag(end);
    if (tag >>> 3 === 1 && (tag & 7) === 2) {
      const stop = r.lengthEnd(end);
      parts.push(lenField(1, rebuild(r, stop, [2, 1000], (rr, s) => rebuild(rr, s, [2], (r3, s3) => spanWithExtras(r3, s3, extras, state)))));
      r.pos = stop;
    } else {
      r.skip(tag & 7, end);
      parts.push(body.subarray(fieldStart, r.pos));
    }
  }
  return Buffer.concat(parts);
}

type Inner = (r: ProtoReader, stop: number) => Buffer;

/** Copies a message, passing the chosen length-delimited fields through `inner`. */
function rebuild(r: ProtoReader, end: number, fields: readonly number[], inner: Inner): Buffer {
  const parts: Buffer[] = [];
  while (r.pos < end) {
    const fieldStart = r.pos;
    const tag = r.tag(end);
    const field = tag >>> 3;
    if ((tag & 7) === 2 && fields.includes(field)) {
      const stop = r.lengthEnd(end);
      parts.push(lenField(field, inner(r, stop)));
      r.pos = stop;
    } else {
      r.skip(tag & 7, end);
      parts.push(r.buf.subarray(fieldStart, r.pos));
    }
  }
  return Buffer.concat(parts);
}

function spanWithExtras(r: ProtoReader, stop: number, extras: ReadonlyMap<number, Buffer>, state: { ordinal: number }): Buffer {
  const own = r.buf.subarray(r.pos, stop);
  const extra = extras.get(state.ordinal++);
  return extra === undefined ? own : Buffer.concat([own, extra]);
}
