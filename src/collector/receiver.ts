// The OTLP/HTTP trace receiver: POST /v1/traces in protobuf or JSON (optionally gzipped),
// answered per the OTLP/HTTP spec. Every client fault gets a status, never an exception.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SpanIndex } from '../dedupe/index.js';
import type { PricedCall, SpanInput } from '../types.js';
import { annotateJson, annotateProto } from './annotate.js';
import { bearerCheck } from './bearer-token.js';
import { rejectMessage } from './decoded-batch.js';
import type { DecodedBatch, SpanRejectReason } from './decoded-batch.js';
import type { Forwarder } from './forwarder.js';
import { JsonDecodeError, decodeTraceRequestJson } from './otlp-json-decode.js';
import type { JsonDecodedBatch } from './otlp-json-decode.js';
import { decodeTraceRequestProto } from './otlp-proto-decode.js';
import { ProtoDecodeError } from './proto-reader.js';
import type { ByteBudget } from './byte-budget.js';
import { readBody, supportedEncoding } from './read-body.js';
import { ResendMemory } from './resend-memory.js';
import type { BodyLimits } from './read-body.js';
import { CONTENT_TYPE_JSON, CONTENT_TYPE_PROTO, RPC_CODE, encodingOf, sendExportResponse, sendStatus } from './responses.js';
import type { OtlpEncoding } from './responses.js';

export const TRACES_PATH = '/v1/traces';

/** What the receiver needs from the pipeline (CostPipeline provides it). */
export interface BatchSink {
  /** Aligned with spans: the call of each counted span, including spans counted by an earlier request. */
  handleBatch(spans: readonly SpanInput[], index?: SpanIndex): (PricedCall | undefined)[];
  countInvalid(reason: string, n: number): void;
}

export interface ReceiverOptions {
  sink: BatchSink;
  limits: BodyLimits;
  /** Bytes of request bodies being read at once, shared by all connections. */
  readBudget: ByteBudget;
  /** Bearer token required on every request; undefined = no auth. */
  authToken: string | undefined;
  forwarder: Forwarder | undefined;
  /** Bodies processed recently: a re-sent one is not counted again. */
  resends: ResendMemory;
  /**
   * Requests decompressed and processed at once, counted from the moment their body has
   * arrived (a slow sender holds none); more get 503 + Retry-After (bounds gunzip memory).
   */
  maxConcurrentRequests: number;
  /** True once shutdown began: answer 503 so exporters retry elsewhere. */
  isDraining: () => boolean;
  /** Called for an unexpected internal error (a bug), already answered with 500. */
  onInternalError: (err: unknown) => void;
  /** Told when a request is refused for lack of capacity (for /healthz). */
  onBusy?: () => void;
}

export function createOtlpHandler(opts: ReceiverOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const authorized = bearerCheck(opts.authToken);
  let active = 0;
  return async (req, res) => {
    const encoding = encodingOf(req.headers['content-type']);
    const replyEncoding = encoding ?? 'json';
    try {
      const path = (req.url ?? '/').split('?', 1)[0];
      if (path !== TRACES_PATH) {
        sendStatus(res, 404, replyEncoding, RPC_CODE.NOT_FOUND, `not found: this receiver serves POST ${TRACES_PATH}`);
        return;
      }
      if (req.method !== 'POST') {
        sendStatus(res, 405, replyEncoding, RPC_CODE.UNIMPLEMENTED, `method ${req.method ?? '?'} not allowed; use POST`, { Allow: 'POST' });
        return;
      }
      if (opts.isDraining()) {
        sendStatus(res, 503, replyEncoding, RPC_CODE.UNAVAILABLE, 'shutting down', { 'Retry-After': '1', Connection: 'close' });
        return;
      }
      if (authorized !== undefined && !authorized(req.headers.authorization)) {
        sendStatus(res, 401, replyEncoding, RPC_CODE.UNAUTHENTICATED, 'missing or wrong bearer token', { 'WWW-Authenticate': 'Bearer' });
        return;
      }
      await handleExport(req, res, encoding);
    } catch (err) {
      if (isClientGone(err)) {
        res.destroy();
        return;
      }
      opts.onInternalError(err);
      sendStatus(res, 500, replyEncoding, 13, 'internal error');
    }
  };

  async function handleExport(req: IncomingMessage, res: ServerResponse, encoding: OtlpEncoding | undefined): Promise<void> {
    const replyEncoding = encoding ?? 'json';
    const contentEncoding = supportedEncoding(req.headers['content-encoding']);
    if (encoding === undefined || contentEncoding === undefined) {
      opts.sink.countInvalid('payload_unsupported_media_type', 1);
      const what = encoding === undefined ? `Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}` : `Content-Encoding ${JSON.stringify(req.headers['content-encoding'])}`;
      sendStatus(res, 415, replyEncoding, RPC_CODE.INVALID_ARGUMENT, `unsupported ${what}; send ${CONTENT_TYPE_PROTO} or ${CONTENT_TYPE_JSON}, optionally gzip`);
      return;
    }
    const read = await readBody(req, contentEncoding, opts.limits, opts.readBudget);
    if (!read.ok) {
      if (read.status === 503) opts.onBusy?.();
      else opts.sink.countInvalid(read.reason, 1);
      const headers: Record<string, string> = read.status === 503 ? { 'Retry-After': '1' } : {};
      if (read.closeConnection) {
        headers.Connection = 'close';
        closeAfterResponse(res);
      }
      sendStatus(res, read.status, encoding, rpcCodeOf(read.status), read.message, headers);
      return;
    }
    if (active >= opts.maxConcurrentRequests) {
      opts.onBusy?.();
      sendStatus(res, 503, replyEncoding, RPC_CODE.UNAVAILABLE, `over ${opts.maxConcurrentRequests} requests being processed; retry`, { 'Retry-After': '1' });
      return;
    }
    active++;
    try {
      await processBody(res, encoding, read.body);
    } finally {
      active--;
    }
  }

  async function processBody(res: ServerResponse, encoding: OtlpEncoding, body: Buffer): Promise<void> {
    let batch: DecodedBatch;
    try {
      batch = encoding === 'proto' ? decodeTraceRequestProto(body) : decodeTraceRequestJson(body.toString('utf8'));
    } catch (err) {
      if (!(err instanceof ProtoDecodeError) && !(err instanceof JsonDecodeError)) throw err;
      opts.sink.countInvalid('payload_malformed', 1);
      sendStatus(res, 400, encoding, RPC_CODE.INVALID_ARGUMENT, `malformed ExportTraceServiceRequest: ${err.message}`);
      return;
    }
    // A body processed before is answered the same way and neither counted nor forwarded again.
    const key = ResendMemory.keyOf(body);
    if (!opts.resends.has(key)) {
      for (const [reason, n] of Object.entries(batch.rejected) as [SpanRejectReason, number][]) opts.sink.countInvalid(reason, n);
      const results = opts.sink.handleBatch(batch.spans, batch.index);
      if (opts.forwarder !== undefined && batch.totalSpans > 0) {
        const forwarded = encoding === 'proto' ? annotateProto(body, batch, results) : annotateJson(batch as JsonDecodedBatch, results);
        opts.forwarder.enqueue(forwarded, encoding === 'proto' ? CONTENT_TYPE_PROTO : CONTENT_TYPE_JSON, batch.totalSpans);
      }
      opts.resends.add(key);
    }
    sendExportResponse(res, encoding, batch.rejectedCount, batch.rejectedCount > 0 ? rejectMessage(batch) : '');
  }
}

function rpcCodeOf(status: number): number {
  if (status === 413) return RPC_CODE.RESOURCE_EXHAUSTED;
  if (status === 503) return RPC_CODE.UNAVAILABLE;
  if (status === 408) return RPC_CODE.DEADLINE_EXCEEDED;
  return RPC_CODE.INVALID_ARGUMENT;
}

/**
 * For an answer sent before the body was read to its end: Node ends the connection after the
 * response (Connection: close); whatever the sender still writes is discarded for a moment so
 * it can read the answer, then the socket is dropped (a sender that never stops cannot keep it).
 */
function closeAfterResponse(res: ServerResponse): void {
  const socket = res.req.socket;
  res.once('finish', () => {
    setTimeout(() => socket.destroy(), CLOSE_LINGER_MS).unref();
  });
}

/** How long a refused sender may keep writing after its answer before its socket is dropped. */
const CLOSE_LINGER_MS = 1000;

function isClientGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (err instanceof Error && err.message === 'request aborted') || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}
