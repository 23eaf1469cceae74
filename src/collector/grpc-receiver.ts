// The OTLP/gRPC trace receiver: unary opentelemetry.proto.collector.trace.v1.TraceService/Export
// served on node:http2, its message going to the same protobuf decoder and pipeline as
// OTLP/HTTP. Statuses follow the OTLP/gRPC spec: partial success in the response for unusable
// spans, INVALID_ARGUMENT for undecodable requests (bad gzip included), UNAUTHENTICATED,
// UNAVAILABLE (retryable) over the concurrency limit or while draining, RESOURCE_EXHAUSTED (not
// retryable: no RetryInfo) for an oversized message, DEADLINE_EXCEEDED past the client's
// grpc-timeout or body_timeout_ms.
// Why node:http2 and not @grpc/grpc-js's Server (still the client in the tests and the bench):
// grpc-js answers a message flagged gzip that is not gzip itself, with INTERNAL, below every
// interceptor, and it hands over a message only once complete. Its per-call cost is also
// higher: bench/intake.bench.ts with both servers on one pipeline beside OTLP/HTTP, same runs,
// 2-core host at load 6-8, collector CPU per span against HTTP's: 16-span requests (per-call
// cost dominates) this server 1.34-1.36x, grpc-js 1.73-1.93x (2 runs); 128 spans 1.25x vs
// 1.26-1.40x (2); 512 spans (the SDKs' batch) 0.92-1.24x vs 0.96-1.28x (5), no difference
// beyond the host's noise. Both keep Node's default 64 KiB HTTP/2 window, which is not the
// cause: requests that fit in one window show the larger gap.
import { constants, createServer } from 'node:http2';
import type { IncomingHttpHeaders, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import { annotateProto } from './annotate.js';
import { bearerCheck } from './bearer-token.js';
import type { ByteBudget } from './byte-budget.js';
import { rejectMessage } from './decoded-batch.js';
import type { DecodedBatch, SpanRejectReason } from './decoded-batch.js';
import type { Forwarder } from './forwarder.js';
import { createGrpcGate } from './grpc-gate.js';
import { decompressMessage, readUnaryMessage } from './grpc-read-message.js';
import type { MessageLimits, MessageRefusal } from './grpc-read-message.js';
import { GRPC_STATUS, frameMessage, parseGrpcTimeout, responseHeaders, trailersOnly } from './grpc-wire.js';
import type { GrpcStatus } from './grpc-wire.js';
import { decodeTraceRequestProto } from './otlp-proto-decode.js';
import { ResendMemory } from './resend-memory.js';
import { ProtoDecodeError } from './proto-reader.js';
import { encodeExportResponse } from './proto-writer.js';
import type { BatchSink } from './receiver.js';
import { CONTENT_TYPE_PROTO } from './responses.js';

export const TRACE_EXPORT_METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

export interface GrpcReceiverOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  sink: BatchSink;
  /** Largest request message on the wire (checked on the announced length) and after decompression. */
  limits: MessageLimits;
  /** Bytes of requests being read at once, shared with OTLP/HTTP. */
  readBudget: ByteBudget;
  /** Calls decompressed and processed at once (counted from the arrival of their message). */
  maxConcurrentCalls: number;
  /** Bearer token required in the `authorization` metadata; undefined = no auth. */
  authToken: string | undefined;
  forwarder: Forwarder | undefined;
  /** Bodies processed recently (shared with OTLP/HTTP): a re-sent one is not counted again. */
  resends?: ResendMemory;
  isDraining: () => boolean;
  /** Called for an unexpected internal error (a bug), already answered with INTERNAL. */
  onInternalError: (err: unknown) => void;
  /** Time a client gets to send its whole message once admitted (body_timeout_ms). */
  readTimeoutMs: number;
  /** Called when a call is refused for lack of capacity (for /healthz). */
  onBusy?: () => void;
}

export interface RunningGrpcReceiver {
  port: number;
  /** Refuses new calls (UNAVAILABLE), lets admitted ones finish (up to timeoutMs), then closes every connection. */
  close(timeoutMs: number): Promise<void>;
}

/** How long a call answered before its request ended may keep sending before its stream is reset. */
const ANSWERED_LINGER_MS = 1000;

/** `host:port`, IPv6 literals in brackets. */
export function grpcAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

export async function startGrpcReceiver(opts: GrpcReceiverOptions): Promise<RunningGrpcReceiver> {
  const gate = createGrpcGate({
    authorized: bearerCheck(opts.authToken),
    maxConcurrentCalls: opts.maxConcurrentCalls,
    isDraining: opts.isDraining,
    onBusy: opts.onBusy,
  });
  // Node's default HTTP/2 settings (64 KiB windows). maxSessionMemory as grpc-js sets it: the
  // message caps above bound what a call buffers, and Node's own 10 MB per-connection cap would
  // refuse the streams of a client multiplexing several large exports on one connection.
  const server = createServer({ maxSessionMemory: Number.MAX_SAFE_INTEGER });
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => undefined); // a client's protocol error ends its session only
  });
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    try {
      handleCall(stream, headers);
    } catch (err) {
      opts.onInternalError(err);
      if (!stream.headersSent && !stream.destroyed) stream.respond(trailersOnly({ code: GRPC_STATUS.INTERNAL, details: 'internal error' }), { endStream: true });
    }
  });

  function handleCall(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on('error', () => undefined); // a reset stream: 'close' follows
    if (headers[constants.HTTP2_HEADER_METHOD] !== 'POST') {
      stream.respond({ [constants.HTTP2_HEADER_STATUS]: 405, allow: 'POST' }, { endStream: true });
      return;
    }
    if (!String(headers['content-type'] ?? '').startsWith('application/grpc')) {
      stream.respond({ [constants.HTTP2_HEADER_STATUS]: 415 }, { endStream: true });
      return;
    }
    const call = answerOnce(stream);
    const path = headers[constants.HTTP2_HEADER_PATH];
    if (path !== TRACE_EXPORT_METHOD) return call.answer({ code: GRPC_STATUS.UNIMPLEMENTED, details: `unknown method ${String(path)}; this receiver serves ${TRACE_EXPORT_METHOD}` });
    const clientTimeoutMs = parseGrpcTimeout(headers['grpc-timeout']);
    if (Number.isNaN(clientTimeoutMs)) return call.answer({ code: GRPC_STATUS.INVALID_ARGUMENT, details: `malformed grpc-timeout ${JSON.stringify(headers['grpc-timeout'])}` });
    const authorization = headers.authorization;
    const admitted = gate.admit(typeof authorization === 'string' ? authorization : undefined);
    if (!('release' in admitted)) return call.answer(admitted);
    const deadlineTimer =
      clientTimeoutMs === undefined ? undefined : setTimeout(() => call.answer({ code: GRPC_STATUS.DEADLINE_EXCEEDED, details: `deadline exceeded (grpc-timeout ${String(headers['grpc-timeout'])})` }), clientTimeoutMs);
    const bodyTimer = setTimeout(() => {
      opts.sink.countInvalid('payload_timeout', 1);
      call.answer({ code: GRPC_STATUS.DEADLINE_EXCEEDED, details: `request message not received within ${opts.readTimeoutMs} ms` });
    }, opts.readTimeoutMs);
    bodyTimer.unref();
    let processing: { release(): void } | undefined;
    const refuse = (read: MessageRefusal): void => {
      if (read.busy === true) opts.onBusy?.();
      else opts.sink.countInvalid(read.reason, 1);
      call.answer(read.status);
    };
    const encoding = String(headers['grpc-encoding'] ?? 'identity').trim().toLowerCase();
    const reader = readUnaryMessage(stream, opts.limits, opts.readBudget, (raw) => {
      clearTimeout(bodyTimer);
      if (!raw.ok) return refuse(raw);
      const slot = gate.process();
      if (!('release' in slot)) return call.answer(slot);
      processing = slot;
      decompressMessage(raw, encoding, opts.limits.maxDecompressedBytes, (read) => {
        if (!read.ok) return refuse(read);
        call.answer(exportTraces(read.message));
      });
    });
    // Once answered (or reset by the client): nothing more is read, the call's holds are released.
    call.onSettled(() => {
      clearTimeout(bodyTimer);
      clearTimeout(deadlineTimer);
      reader.stop();
      processing?.release();
      admitted.release();
    });
  }

  function exportTraces(body: Buffer): GrpcStatus | Buffer {
    try {
      let batch: DecodedBatch;
      try {
        batch = decodeTraceRequestProto(body);
      } catch (err) {
        if (!(err instanceof ProtoDecodeError)) throw err;
        opts.sink.countInvalid('payload_malformed', 1);
        return { code: GRPC_STATUS.INVALID_ARGUMENT, details: `malformed ExportTraceServiceRequest: ${err.message}` };
      }
      // A message processed before (an exporter's retry) is answered and not counted again.
      const key = ResendMemory.keyOf(body);
      if (opts.resends === undefined || !opts.resends.has(key)) {
        for (const [reason, n] of Object.entries(batch.rejected) as [SpanRejectReason, number][]) opts.sink.countInvalid(reason, n);
        const results = opts.sink.handleBatch(batch.spans, batch.index);
        // Forwarded as OTLP/HTTP protobuf: the same bytes an HTTP client would have sent.
        if (opts.forwarder !== undefined && batch.totalSpans > 0) {
          opts.forwarder.enqueue(annotateProto(body, batch, results), CONTENT_TYPE_PROTO, batch.totalSpans);
        }
        opts.resends?.add(key);
      }
      return encodeExportResponse(batch.rejectedCount, batch.rejectedCount > 0 ? rejectMessage(batch) : '');
    } catch (err) {
      opts.onInternalError(err);
      return { code: GRPC_STATUS.INTERNAL, details: 'internal error' };
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: unknown) => {
    throw listenError(err as NodeJS.ErrnoException, opts.host, opts.port);
  });
  server.on('error', opts.onInternalError);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;

  let closing: Promise<void> | undefined;
  return {
    port,
    close(timeoutMs) {
      closing ??= (async () => {
        // Stop listening and send GOAWAY: idle connections close at once, busy ones when their
        // calls end. What is still running at the deadline is cut.
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const session of sessions) session.close();
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        });
        await Promise.race([Promise.all([stopped, gate.idle()]), deadline]);
        clearTimeout(timer);
        for (const session of sessions) session.destroy();
        await stopped;
      })();
      return closing;
    },
  };
}

interface CallAnswer {
  /** Sends the response message, or the status (trailers-only); only the first answer counts. */
  answer(result: GrpcStatus | Buffer): void;
  /** Runs `fn` once the call is answered or its stream closed (at once if already). */
  onSettled(fn: () => void): void;
}

function answerOnce(stream: ServerHttp2Stream): CallAnswer {
  let settled = false;
  let requestEnded = false;
  let onSettled: (() => void) | undefined;
  const settle = (): boolean => {
    if (settled) return false;
    settled = true;
    onSettled?.();
    return true;
  };
  stream.once('end', () => (requestEnded = true));
  stream.once('close', settle);
  return {
    answer(result) {
      if (!settle() || stream.destroyed || stream.closed) return;
      if (Buffer.isBuffer(result)) {
        stream.respond(responseHeaders(), { waitForTrailers: true });
        stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(GRPC_STATUS.OK) }));
        stream.end(frameMessage(result));
        return;
      }
      stream.respond(trailersOnly(result), { endStream: true });
      if (!requestEnded) {
        // Let the client read its status, then stop it sending the rest (RST_STREAM NO_ERROR).
        stream.resume();
        setTimeout(() => {
          if (!stream.closed) stream.close(constants.NGHTTP2_NO_ERROR);
        }, ANSWERED_LINGER_MS).unref();
      }
    },
    onSettled(fn) {
      if (settled) fn();
      else onSettled = fn;
    },
  };
}

/** The errno code (which the CLI maps to a fix) kept, the address said. */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  const out = new Error(`cannot listen for OTLP/gRPC on ${grpcAddress(host, port)}: ${err.message}`) as NodeJS.ErrnoException;
  if (err.code !== undefined) out.code = err.code;
  return out;
}
