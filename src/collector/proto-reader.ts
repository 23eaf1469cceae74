// A minimal protobuf wire-format reader over one Buffer: no sub-buffers, no copies.
// Callers walk a message by reading tags until `pos` reaches the message's end offset.

/** Raised for bytes that are not a well-formed protobuf message. */
export class ProtoDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtoDecodeError';
  }
}

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const TWO_POW_32 = 4294967296;

/**
 * Buffer's own slice decoders: what buf.toString('utf8' | 'hex', start, end) calls after its
 * argument checks. Called directly on the hot path (bounds are checked here already).
 */
interface FastSlices {
  utf8Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
}

export class ProtoReader {
  readonly buf: Buffer;
  pos = 0;

  constructor(buf: Buffer) {
    this.buf = buf;
  }

  /** An unsigned varint of up to 10 bytes, as a number (exact up to 2^53). */
  varint(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= end) throw new ProtoDecodeError(`truncated varint at offset ${pos}`);
    let b = buf[pos++]!;
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let result = b & 0x7f;
    let mul = 128;
    for (let i = 1; i < 10; i++) {
      if (pos >= end) throw new ProtoDecodeError(`truncated varint at offset ${pos}`);
      b = buf[pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.pos = pos;
        return result;
      }
      mul *= 128;
    }
    throw new ProtoDecodeError(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  /** A varint read as a two's-complement int64 (int64 / int32 / enum fields), exact up to 2^53. */
  int64(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new ProtoDecodeError(`truncated varint at offset ${pos}`);
      const b = buf[pos++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) {
        this.pos = pos;
        return (hi | 0) * TWO_POW_32 + (lo >>> 0);
      }
    }
    throw new ProtoDecodeError(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  /** A field key: returns (fieldNumber << 3 | wireType) as a plain number. */
  tag(end: number): number {
    const t = this.varint(end);
    if (t > 0xffffffff || t < 8) throw new ProtoDecodeError(`invalid field key ${t} at offset ${this.pos}`);
    return t;
  }

  /** The length of a length-delimited field; returns the end offset of its bytes. */
  lengthEnd(end: number): number {
    const len = this.varint(end);
    const stop = this.pos + len;
    if (stop > end) throw new ProtoDecodeError(`length ${len} runs past the end of its message at offset ${this.pos}`);
    return stop;
  }

  /** An unsigned fixed64 as a number (exact up to 2^53). */
  fixed64(end: number): number {
    const pos = this.pos;
    if (pos + 8 > end) throw new ProtoDecodeError(`truncated fixed64 at offset ${pos}`);
    this.pos = pos + 8;
    return this.buf.readUInt32LE(pos + 4) * TWO_POW_32 + this.buf.readUInt32LE(pos);
  }

  double(end: number): number {
    const pos = this.pos;
    if (pos + 8 > end) throw new ProtoDecodeError(`truncated double at offset ${pos}`);
    this.pos = pos + 8;
    return this.buf.readDoubleLE(pos);
  }

  /** A UTF-8 string field (after its tag). Invalid UTF-8 becomes U+FFFD, never an error. */
  string(end: number): string {
    const stop = this.lengthEnd(end);
    const start = this.pos;
    this.pos = stop;
    return start === stop ? '' : (this.buf as Buffer & FastSlices).utf8Slice(start, stop);
  }

  /** Lower-case hex of bytes [start, stop), which the caller has bounds-checked. */
  hex(start: number, stop: number): string {
    return (this.buf as Buffer & FastSlices).hexSlice(start, stop);
  }

  /** Skips one field of the given wire type. Groups (3, 4) and unknown wire types are errors. */
  skip(wireType: number, end: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint(end);
        return;
      case WIRE_I64:
        if (this.pos + 8 > end) throw new ProtoDecodeError(`truncated fixed64 at offset ${this.pos}`);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lengthEnd(end);
        return;
      case WIRE_I32:
        if (this.pos + 4 > end) throw new ProtoDecodeError(`truncated fixed32 at offset ${this.pos}`);
        this.pos += 4;
        return;
      default:
        throw new ProtoDecodeError(`unsupported wire type ${wireType} at offset ${this.pos}`);
    }
  }

  /** Throws unless a known field arrived with the wire type its schema declares. */
  expect(wireType: number, wanted: number, field: string): void {
    if (wireType !== wanted) {
      throw new ProtoDecodeError(`field ${field} has wire type ${wireType}, expected ${wanted} (offset ${this.pos})`);
    }
  }
}
