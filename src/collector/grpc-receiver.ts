// The OTLP/gRPC trace receiver: opentelemetry.proto.collector.trace.v1.TraceService/Export on
// @grpc/grpc-js, registered with pass-through (Buffer) serializers so the request bytes go to
// the same protobuf decoder and pipeline as OTLP/HTTP. Statuses follow the OTLP/gRPC spec:
// partial success in the response for unusable spans, INVALID_ARGUMENT for undecodable
// requests, UNAUTHENTICATED, UNAVAILABLE (retryable) over the concurrency limit or while
// draining, RESOURCE_EXHAUSTED (not retryable: no RetryInfo) for an oversized message.
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { ServerUnaryCall, ServiceDefinition, sendUnaryData } from '@grpc/grpc-js';
import { annotateProto } from './annotate.js';
import { bearerCheck } from './bearer-token.js';
import { rejectMessage } from './decoded-batch.js';
import type { DecodedBatch, SpanRejectReason } from './decoded-batch.js';
import type { Forwarder } from './forwarder.js';
import { createGrpcGate } from './grpc-gate.js';
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
  /**
   * Largest request message, checked by grpc-js both on the wire and after gunzip (the frame
   * header announces the size, so nothing past the limit is buffered).
   */
  maxMessageBytes: number;
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

const passThrough = (b: Buffer): Buffer => b;

const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: TRACE_EXPORT_METHOD,
    requestStream: false,
    responseStream: false,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
  },
};

/** `host:port` as grpc-js parses it (IPv6 literals in brackets). */
export function grpcAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

export async function startGrpcReceiver(opts: GrpcReceiverOptions): Promise<RunningGrpcReceiver> {
  const gate = createGrpcGate({
    authorized: bearerCheck(opts.authToken),
    maxConcurrentCalls: opts.maxConcurrentCalls,
    readTimeoutMs: opts.readTimeoutMs,
    isDraining: opts.isDraining,
    onBusy: opts.onBusy,
  });
  const server = new Server({
    'grpc.max_receive_message_length': opts.maxMessageBytes,
    interceptors: [gate.interceptor],
  });
  server.addService(TRACE_SERVICE, { Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => exportTraces(call.request, callback) });

  function exportTraces(body: Buffer, callback: sendUnaryData<Buffer>): void {
    try {
      let batch: DecodedBatch;
      try {
        batch = decodeTraceRequestProto(body);
      } catch (err) {
        if (!(err instanceof ProtoDecodeError)) throw err;
        opts.sink.countInvalid('payload_malformed', 1);
        callback({ code: status.INVALID_ARGUMENT, details: `malformed ExportTraceServiceRequest: ${err.message}` });
        return;
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
      callback(null, encodeExportResponse(batch.rejectedCount, batch.rejectedCount > 0 ? rejectMessage(batch) : ''));
    } catch (err) {
      opts.onInternalError(err);
      callback({ code: status.INTERNAL, details: 'internal error' });
    }
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(grpcAddress(opts.host, opts.port), ServerCredentials.createInsecure(), (err, bound) => {
      if (err === null) resolve(bound);
      else reject(bindError(err, opts.host, opts.port));
    });
  });

  let closing: Promise<void> | undefined;
  return {
    port,
    close(timeoutMs) {
      closing ??= (async () => {
        // tryShutdown stops listening and sends GOAWAY; idle connections close at once,
        // busy ones when their calls end. What is still running at the deadline is cut.
        const shutdown = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        });
        await Promise.race([Promise.all([shutdown, gate.idle()]), deadline]);
        clearTimeout(timer);
        server.forceShutdown();
      })();
      return closing;
    },
  };
}

/**
 * grpc-js reports a failed bind as "No address added out of total N resolved" with the cause
 * only in the text; give it the errno code the CLI maps to a fix.
 */
function bindError(err: Error, host: string, port: number): Error {
  const code = /EADDRINUSE|EACCES|EADDRNOTAVAIL/.exec(err.message)?.[0];
  const out = new Error(`cannot listen for OTLP/gRPC on ${grpcAddress(host, port)}: ${err.message}`) as NodeJS.ErrnoException;
  if (code !== undefined) out.code = code;
  return out;
}
