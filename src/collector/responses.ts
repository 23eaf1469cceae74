// OTLP/HTTP responses: ExportTraceServiceResponse on success, google.rpc.Status on failure,
// each in the encoding the request used (protobuf or JSON).
import type { ServerResponse } from 'node:http';
import { encodeExportResponse, encodeRpcStatus } from './proto-writer.js';

export type OtlpEncoding = 'proto' | 'json';

export const CONTENT_TYPE_PROTO = 'application/x-protobuf';
export const CONTENT_TYPE_JSON = 'application/json';

/** google.rpc.Code values used in error bodies. */
export const RPC_CODE = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** The request's OTLP encoding from its Content-Type, or undefined for anything else. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const media = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (media === CONTENT_TYPE_PROTO) return 'proto';
  if (media === CONTENT_TYPE_JSON) return 'json';
  return undefined;
}

function send(res: ServerResponse, status: number, encoding: OtlpEncoding, body: Buffer | string, headers: Record<string, string>): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'Content-Type': encoding === 'proto' ? CONTENT_TYPE_PROTO : CONTENT_TYPE_JSON,
    'Content-Length': String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}

/** 200 with an ExportTraceServiceResponse; partial_success set when spans were rejected. */
export function sendExportResponse(res: ServerResponse, encoding: OtlpEncoding, rejectedSpans: number, errorMessage: string): void {
  if (encoding === 'proto') {
    send(res, 200, encoding, encodeExportResponse(rejectedSpans, errorMessage), {});
    return;
  }
  const body =
    rejectedSpans === 0 && errorMessage === ''
      ? {}
      : { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } };
  send(res, 200, encoding, JSON.stringify(body), {});
}

/** An error status with a google.rpc.Status body. */
export function sendStatus(
  res: ServerResponse,
  status: number,
  encoding: OtlpEncoding,
  rpcCode: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (encoding === 'proto') send(res, status, encoding, encodeRpcStatus(rpcCode, message), headers);
  else send(res, status, encoding, JSON.stringify({ code: rpcCode, message }), headers);
}
