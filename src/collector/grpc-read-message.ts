// Reads the one request message of a unary gRPC call from its HTTP/2 stream: the 5-byte prefix,
// a size cap checked on the announced length (so nothing past the limit is buffered) and again
// after decompression (a small gzip bomb must not become a large allocation), then gunzip or
// inflate per grpc-encoding. Every client fault is a status, with the reason it is counted as.
import type { ServerHttp2Stream } from 'node:http2';
import { gunzip, inflate } from 'node:zlib';
import { ACCEPT_ENCODING, GRPC_STATUS, PREFIX_BYTES } from './grpc-wire.js';
import type { GrpcStatus } from './grpc-wire.js';

export type MessageResult = { ok: true; message: Buffer } | { ok: false; status: GrpcStatus; reason: string };

function refused(code: number, reason: string, details: string): MessageResult {
  return { ok: false, status: { code, details }, reason };
}

function tooLarge(what: string, limit: number): MessageResult {
  return refused(GRPC_STATUS.RESOURCE_EXHAUSTED, 'payload_too_large', `${what} exceeds the limit of ${limit} bytes`);
}

/**
 * Starts reading; `done` is called once, unless the stream closes first or stop() was called.
 * After a refusal the rest of the stream's data is read and dropped.
 */
export function readUnaryMessage(stream: ServerHttp2Stream, encoding: string, maxMessageBytes: number, done: (result: MessageResult) => void): { stop(): void } {
  const chunks: Buffer[] = [];
  let size = 0;
  /** Announced message length, once the prefix is in. */
  let length = -1;
  let compressed = false;
  let finished = false;
  const finish = (result: MessageResult): void => {
    if (finished) return;
    finished = true;
    chunks.length = 0;
    done(result);
  };

  stream.on('data', (chunk: Buffer) => {
    if (finished) return;
    chunks.push(chunk);
    size += chunk.length;
    if (length < 0 && size >= PREFIX_BYTES) {
      const prefix = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      compressed = prefix[0] === 1;
      if (prefix[0]! > 1) return finish(refused(GRPC_STATUS.INVALID_ARGUMENT, 'payload_malformed', `bad message prefix: compressed flag ${prefix[0]}`));
      length = prefix.readUInt32BE(1);
      if (length > maxMessageBytes) return finish(tooLarge(`request message (${length} bytes announced)`, maxMessageBytes));
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
    const message = framed.subarray(PREFIX_BYTES);
    if (!compressed) return finish({ ok: true, message });
    decompress(message, encoding, maxMessageBytes, finish);
  });
  return {
    stop() {
      finished = true;
      chunks.length = 0;
    },
  };
}

function decompress(message: Buffer, encoding: string, maxMessageBytes: number, finish: (result: MessageResult) => void): void {
  const inflater = encoding === 'gzip' ? gunzip : encoding === 'deflate' ? inflate : undefined;
  if (inflater === undefined) {
    if (encoding === 'identity') return finish(refused(GRPC_STATUS.INVALID_ARGUMENT, 'payload_malformed', 'message flagged compressed, but grpc-encoding is identity'));
    return finish(refused(GRPC_STATUS.UNIMPLEMENTED, 'payload_unsupported_media_type', `grpc-encoding ${JSON.stringify(encoding)} is not supported; send one of ${ACCEPT_ENCODING}`));
  }
  inflater(message, { maxOutputLength: maxMessageBytes }, (err, out) => {
    if (err === null) finish({ ok: true, message: out });
    else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) finish(tooLarge(`request message after ${encoding} decompression`, maxMessageBytes));
    else finish(refused(GRPC_STATUS.INVALID_ARGUMENT, 'payload_bad_gzip', `request message is not valid ${encoding}: ${err.message}`));
  });
}
