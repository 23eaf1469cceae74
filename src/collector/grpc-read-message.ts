// Reads the one request message of a unary gRPC call from its HTTP/2 stream, as read-body.ts
// reads an OTLP/HTTP body: a wire-size cap checked on the announced length (nothing past it is
// buffered), the bytes being read taken from the budget shared with OTLP/HTTP (a slow sender
// holds only what it sent), then gunzip or inflate per grpc-encoding with a cap on the
// decompressed size (a small gzip bomb must not become a large allocation). Every client fault
// is a status, with the reason it is counted as.
import type { ServerHttp2Stream } from 'node:http2';
import { gunzip, inflate } from 'node:zlib';
import type { ByteBudget } from './byte-budget.js';
import { ACCEPT_ENCODING, GRPC_STATUS, PREFIX_BYTES } from './grpc-wire.js';
import type { GrpcStatus } from './grpc-wire.js';

export interface MessageLimits {
  /** Largest message as sent (compressed or not), in bytes. */
  maxWireBytes: number;
  /** Largest message after decompression, in bytes. */
  maxDecompressedBytes: number;
}

/** `busy`: refused for lack of read budget (retryable, not the client's fault). */
export type MessageRefusal = { ok: false; status: GrpcStatus; reason: string; busy?: true };
export type RawMessage = { ok: true; message: Buffer; compressed: boolean } | MessageRefusal;
export type MessageResult = { ok: true; message: Buffer } | MessageRefusal;

function refused(code: number, reason: string, details: string): MessageRefusal {
  return { ok: false, status: { code, details }, reason };
}

function tooLarge(what: string, limit: number): MessageRefusal {
  return refused(GRPC_STATUS.RESOURCE_EXHAUSTED, 'payload_too_large', `${what} exceeds the limit of ${limit} bytes`);
}

/**
 * Starts reading; `done` is called once, unless the stream closes first or stop() was called.
 * The bytes read go back to the budget when reading ends; after a refusal the rest of the
 * stream's data is read and dropped.
 */
export function readUnaryMessage(stream: ServerHttp2Stream, limits: MessageLimits, budget: ByteBudget, done: (result: RawMessage) => void): { stop(): void } {
  const chunks: Buffer[] = [];
  let size = 0;
  /** Announced message length, once the prefix is in. */
  let length = -1;
  let finished = false;
  const stop = (): void => {
    if (finished) return;
    finished = true;
    budget.give(size);
    chunks.length = 0;
  };
  const finish = (result: RawMessage): void => {
    if (finished) return;
    stop();
    done(result);
  };

  stream.on('data', (chunk: Buffer) => {
    if (finished) return;
    if (!budget.tryTake(chunk.length)) {
      return finish({ ...refused(GRPC_STATUS.UNAVAILABLE, 'intake_busy', `the collector is reading ${budget.limitBytes} bytes of requests already; retry`), busy: true });
    }
    chunks.push(chunk);
    size += chunk.length;
    if (length < 0 && size >= PREFIX_BYTES) {
      const prefix = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      if (prefix[0]! > 1) return finish(refused(GRPC_STATUS.INVALID_ARGUMENT, 'payload_malformed', `bad message prefix: compressed flag ${prefix[0]}`));
      length = prefix.readUInt32BE(1);
      if (length > limits.maxWireBytes) return finish(tooLarge(`request message (${length} bytes announced)`, limits.maxWireBytes));
    }
    if (length >= 0 && size > PREFIX_BYTES + length) {
      finish(refused(GRPC_STATUS.INVALID_ARGUMENT, 'payload_malformed', 'more than one request message in a unary call'));
    }
  });
  stream.on('end', () => {
    if (finished) return;
    if (length < 0 || size < PREFIX_BYTES + length) {
      const got = size < PREFIX_BYTES ? `${size} bytes, no message prefix` : `${size - PREFIX_BYTES} of ${length} message bytes`;
      return finish(refused(GRPC_STATUS.INVALID_ARGUMENT, 'payload_malformed', `request ended before its message was complete (${got})`));
    }
    const framed = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    finish({ ok: true, message: framed.subarray(PREFIX_BYTES), compressed: framed[0] === 1 });
  });
  return { stop };
}

/** The message as sent, or inflated per grpc-encoding if flagged compressed. */
export function decompressMessage(raw: { message: Buffer; compressed: boolean }, encoding: string, maxDecompressedBytes: number, done: (result: MessageResult) => void): void {
  if (!raw.compressed) return done({ ok: true, message: raw.message });
  const inflater = encoding === 'gzip' ? gunzip : encoding === 'deflate' ? inflate : undefined;
  if (inflater === undefined) {
    if (encoding === 'identity') return done(refused(GRPC_STATUS.INVALID_ARGUMENT, 'payload_malformed', 'message flagged compressed, but grpc-encoding is identity'));
    return done(refused(GRPC_STATUS.UNIMPLEMENTED, 'payload_unsupported_media_type', `grpc-encoding ${JSON.stringify(encoding)} is not supported; send one of ${ACCEPT_ENCODING}`));
  }
  inflater(raw.message, { maxOutputLength: maxDecompressedBytes }, (err, out) => {
    if (err === null) done({ ok: true, message: out });
    else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) done(tooLarge(`request message after ${encoding} decompression`, maxDecompressedBytes));
    else done(refused(GRPC_STATUS.INVALID_ARGUMENT, 'payload_bad_gzip', `request message is not valid ${encoding}: ${err.message}`));
  });
}
