// Encodes the few protobuf messages the collector writes: the export response,
// google.rpc.Status error bodies, and KeyValue attributes appended to forwarded spans.

function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Writes an unsigned varint (n < 2^53) at `pos`; returns the new position. */
export function writeVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 128) {
    buf[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

/** A length-delimited field: key + length + payload. */
function lenField(field: number, payload: Buffer): Buffer {
  const key = (field << 3) | 2;
  const out = Buffer.allocUnsafe(varintSize(key) + varintSize(payload.length) + payload.length);
  let pos = writeVarint(out, 0, key);
  pos = writeVarint(out, pos, payload.length);
  payload.copy(out, pos);
  return out;
}

function varintField(field: number, n: number): Buffer {
  const key = field << 3;
  const out = Buffer.allocUnsafe(varintSize(key) + varintSize(n));
  writeVarint(out, writeVarint(out, 0, key), n);
  return out;
}

function stringField(field: number, s: string): Buffer {
  return lenField(field, Buffer.from(s, 'utf8'));
}

/** ExportTraceServiceResponse { partial_success = 1 { rejected_spans = 1; error_message = 2 } }. */
export function encodeExportResponse(rejectedSpans: number, errorMessage: string): Buffer {
  if (rejectedSpans === 0 && errorMessage === '') return Buffer.alloc(0);
  const parts: Buffer[] = [];
  if (rejectedSpans > 0) parts.push(varintField(1, rejectedSpans));
  if (errorMessage !== '') parts.push(stringField(2, errorMessage));
  return lenField(1, Buffer.concat(parts));
}

/** google.rpc.Status { code = 1; message = 2 }. */
export function encodeRpcStatus(code: number, message: string): Buffer {
  return Buffer.concat([varintField(1, code), stringField(2, message)]);
}

/** Span.attributes entry (field 9) holding a double AnyValue. */
export function encodeDoubleAttribute(key: string, value: number): Buffer {
  const dbl = Buffer.allocUnsafe(9);
  dbl[0] = (4 << 3) | 1;
  dbl.writeDoubleLE(value, 1);
  return lenField(9, Buffer.concat([stringField(1, key), lenField(2, dbl)]));
}

/** Span.attributes entry (field 9) holding a bool AnyValue. */
export function encodeBoolAttribute(key: string, value: boolean): Buffer {
  return lenField(9, Buffer.concat([stringField(1, key), lenField(2, varintField(2, value ? 1 : 0))]));
}

export { lenField, varintSize };
