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
import { readBody, supportedEncoding } from './read-body.js';
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
  /** Bearer token required on every request; undefined = no auth. */
  authToken: string | undefined;
  forwarder: Forwarder | undefined;
  /** Requests read and processed at once; more get 503 + Retry-After (bounds memory). */
  maxConcurrentRequests: number;
  /** True once shutdown began: answer 503 so exporters retry elsewhere. */
  isDraining: () => boolean;
  /** Called for an unexpected internal error (a bug), already answered with 500. */
  onInternalError: (err: unknown) => void;
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
      if (active >= opts.maxConcurrentRequests) {
        sendStatus(res, 503, replyEncoding, RPC_CODE.UNAVAILABLE, `over ${opts.maxConcurrentRequests} concurrent requests; retry`, { 'Retry-After': '1' });
        return;
      }
      active++;
      try {
        await handleExport(req, res, encoding);
      } finally {
        active--;
      }
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
    const read = await readBody(req, contentEncoding, opts.limits);
    if (!read.ok) {
      opts.sink.countInvalid(read.reason, 1);
      const code = read.status === 413 ? RPC_CODE.RESOURCE_EXHAUSTED : RPC_CODE.INVALID_ARGUMENT;
      // No Connection: close on 413: Node discards the unread body, so the client can read the answer.
      sendStatus(res, read.status, encoding, code, read.message);
      return;
    }
    let batch: DecodedBatch;
    try {
      batch = encoding === 'proto' ? decodeTraceRequestProto(read.body) : decodeTraceRequestJson(read.body.toString('utf8'));
    } catch (err) {
      if (!(err instanceof ProtoDecodeError) && !(err instanceof JsonDecodeError)) throw err;
      opts.sink.countInvalid('payload_malformed', 1);
      sendStatus(res, 400, encoding, RPC_CODE.INVALID_ARGUMENT, `malformed ExportTraceServiceRequest: ${err.message}`);
      return;
    }
    for (const [reason, n] of Object.entries(batch.rejected) as [SpanRejectReason, number][]) opts.sink.countInvalid(reason, n);
    const results = opts.sink.handleBatch(batch.spans, batch.index);
    if (opts.forwarder !== undefined && batch.totalSpans > 0) {
      const body = encoding === 'proto' ? annotateProto(read.body, batch, results) : annotateJson(batch as JsonDecodedBatch, results);
      opts.forwarder.enqueue(body, encoding === 'proto' ? CONTENT_TYPE_PROTO : CONTENT_TYPE_JSON, batch.totalSpans);
    }
    sendExportResponse(res, encoding, batch.rejectedCount, batch.rejectedCount > 0 ? rejectMessage(batch) : '');
  }
}

function isClientGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (err instanceof Error && err.message === 'request aborted') || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}
