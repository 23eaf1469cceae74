// Decodes OTLP common/v1 KeyValue and AnyValue (protobuf) into plain attribute values:
// string, boolean, number (int64 and double), arrays, objects (kvlist), Uint8Array (bytes).
// Arrays and kvlists nested past MAX_VALUE_DEPTH are dropped, never recursed into.
import { MAX_VALUE_DEPTH } from './decoded-batch.js';
import { WIRE_I64, WIRE_LEN, WIRE_VARINT } from './proto-reader.js';
import type { ProtoReader } from './proto-reader.js';

type Attrs = Record<string, unknown>;

/** Decodes one KeyValue into `into` (last one wins on duplicate keys). */
export function decodeKeyValue(r: ProtoReader, end: number, into: Attrs, depth: number): void {
  let key: string | undefined;
  let value: unknown;
  while (r.pos < end) {
    const tag = r.tag(end);
    const field = tag >>> 3;
    if (field === 1) {
      r.expect(tag & 7, WIRE_LEN, 'KeyValue.key');
      key = r.string(end);
    } else if (field === 2) {
      r.expect(tag & 7, WIRE_LEN, 'KeyValue.value');
      const stop = r.lengthEnd(end);
      value = decodeAnyValue(r, stop, depth);
      r.pos = stop;
    } else {
      r.skip(tag & 7, end);
    }
  }
  if (key !== undefined && value !== undefined && key !== '__proto__') into[key] = value;
}

function decodeAnyValue(r: ProtoReader, end: number, depth: number): unknown {
  let value: unknown;
  while (r.pos < end) {
    const tag = r.tag(end);
    const wire = tag & 7;
    switch (tag >>> 3) {
      case 1:
        r.expect(wire, WIRE_LEN, 'AnyValue.string_value');
        value = r.string(end);
        break;
      case 2:
        r.expect(wire, WIRE_VARINT, 'AnyValue.bool_value');
        value = r.varint(end) !== 0;
        break;
      case 3:
        r.expect(wire, WIRE_VARINT, 'AnyValue.int_value');
        value = r.int64(end);
        break;
      case 4:
        r.expect(wire, WIRE_I64, 'AnyValue.double_value');
        value = r.double(end);
        break;
      case 5: {
        r.expect(wire, WIRE_LEN, 'AnyValue.array_value');
        const stop = r.lengthEnd(end);
        value = depth < MAX_VALUE_DEPTH ? decodeArray(r, stop, depth + 1) : undefined;
        r.pos = stop;
        break;
      }
      case 6: {
        r.expect(wire, WIRE_LEN, 'AnyValue.kvlist_value');
        const stop = r.lengthEnd(end);
        value = depth < MAX_VALUE_DEPTH ? decodeKvList(r, stop, depth + 1) : undefined;
        r.pos = stop;
        break;
      }
      case 7: {
        r.expect(wire, WIRE_LEN, 'AnyValue.bytes_value');
        const stop = r.lengthEnd(end);
        value = new Uint8Array(r.buf.subarray(r.pos, stop));
        r.pos = stop;
        break;
      }
      default:
        r.skip(wire, end);
    }
  }
  return value;
}

function decodeArray(r: ProtoReader, end: number, depth: number): unknown[] {
  const values: unknown[] = [];
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag >>> 3 === 1) {
      r.expect(tag & 7, WIRE_LEN, 'ArrayValue.values');
      const stop = r.lengthEnd(end);
      const v = decodeAnyValue(r, stop, depth);
      if (v !== undefined) values.push(v);
      r.pos = stop;
    } else {
      r.skip(tag & 7, end);
    }
  }
  return values;
}

function decodeKvList(r: ProtoReader, end: number, depth: number): Attrs {
  const attrs: Attrs = {};
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag >>> 3 === 1) {
      r.expect(tag & 7, WIRE_LEN, 'KeyValueList.values');
      const stop = r.lengthEnd(end);
      decodeKeyValue(r, stop, attrs, depth);
      r.pos = stop;
    } else {
      r.skip(tag & 7, end);
    }
  }
  return attrs;
}
