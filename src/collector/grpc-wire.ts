// The few pieces of the gRPC-over-HTTP/2 wire format a unary server needs
// (github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md): status codes, the 5-byte message
// prefix, grpc-timeout, grpc-message's percent-encoding, and the response headers.
import { constants } from 'node:http2';
import type { OutgoingHttpHeaders } from 'node:http2';

/** gRPC status codes used by the receiver (the OTLP/gRPC spec names which are retryable). */
export const GRPC_STATUS = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export interface GrpcStatus {
  code: number;
  details: string;
}

/** Message encodings the receiver reads (grpc-encoding), as announced in grpc-accept-encoding. */
export const ACCEPT_ENCODING = 'identity,deflate,gzip';

/** Length of the prefix before every message: compressed flag, 4-byte big-endian length. */
export const PREFIX_BYTES = 5;

/** The response headers of a call that sends a message. */
export function responseHeaders(): OutgoingHttpHeaders {
  return { [constants.HTTP2_HEADER_STATUS]: 200, 'content-type': 'application/grpc', 'grpc-accept-encoding': ACCEPT_ENCODING };
}

/** A trailers-only response: the status in the one HEADERS frame that ends the stream. */
export function trailersOnly(s: GrpcStatus): OutgoingHttpHeaders {
  return { ...responseHeaders(), ...statusTrailers(s) };
}

export function statusTrailers(s: GrpcStatus): OutgoingHttpHeaders {
  return s.details === '' ? { 'grpc-status': String(s.code) } : { 'grpc-status': String(s.code), 'grpc-message': percentEncode(s.details) };
}

/** grpc-message encoding: bytes outside printable ASCII, and '%', as %XX of their UTF-8 bytes. */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A message with its prefix (never compressed: responses are tiny). */
export function frameMessage(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(PREFIX_BYTES + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  message.copy(out, PREFIX_BYTES);
  return out;
}

const TIMEOUT_UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

/** grpc-timeout ("1 to 8 digits, then a unit") in ms; undefined if absent, NaN if malformed. */
export function parseGrpcTimeout(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{1,8})([HMSmun])$/.exec(String(value).trim());
  return m === null ? Number.NaN : Number(m[1]) * TIMEOUT_UNIT_MS[m[2]!]!;
}
