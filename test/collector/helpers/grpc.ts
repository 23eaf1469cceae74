// OTLP/gRPC clients for the collector tests: the real OpenTelemetry gRPC trace exporter, a raw
// grpc-js client that sends any bytes as the request message, and a bare HTTP/2 stream for
// what no well-behaved client does (a message cut off mid-way, a message held open).
import { connect } from 'node:http2';
import type { ClientHttp2Session, ClientHttp2Stream } from 'node:http2';
import { Client, Metadata, credentials } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

function metadataOf(headers: Record<string, string>): Metadata {
  const md = new Metadata();
  for (const [k, v] of Object.entries(headers)) md.set(k, v);
  return md;
}

/** Sends spans through the real OTLP/gRPC exporter; resolves to the ExportResult (code 0 = success). */
export async function exportSpansGrpc(url: string, spans: ReadableSpan[], opts: { metadata?: Record<string, string>; gzip?: boolean } = {}): Promise<{ code: number; error?: Error }> {
  const exporter = new GrpcExporter({
    url,
    metadata: metadataOf(opts.metadata ?? {}),
    // 'gzip' is the value of the exporters' CompressionAlgorithm.GZIP.
    ...(opts.gzip === true ? { compression: 'gzip' as never } : {}),
  });
  try {
    return await new Promise((resolve) => exporter.export(spans as never, (result) => resolve(result)));
  } finally {
    await exporter.shutdown();
  }
}

export interface RawOutcome {
  /** grpc status code (0 = OK). */
  code: number;
  details: string;
  /** The ExportTraceServiceResponse bytes on success. */
  response?: Buffer;
}

const passThrough = (b: Buffer): Buffer => b;

/** One unary Export call carrying `body` as the message, byte for byte. `url` is http://host:port. */
export async function rawExport(url: string, body: Buffer, opts: { metadata?: Record<string, string>; gzip?: boolean; compression?: 'gzip' | 'deflate'; path?: string } = {}): Promise<RawOutcome> {
  // grpc-js's compression algorithm numbers: 1 deflate, 2 gzip.
  const compression = opts.gzip === true ? 'gzip' : opts.compression;
  const client = new Client(new URL(url).host, credentials.createInsecure(), compression === undefined ? {} : { 'grpc.default_compression_algorithm': compression === 'gzip' ? 2 : 1 });
  try {
    return await new Promise<RawOutcome>((resolve) => {
      client.makeUnaryRequest(opts.path ?? EXPORT_PATH, passThrough, passThrough, body, metadataOf(opts.metadata ?? {}), (err: ServiceError | null, response?: Buffer) => {
        if (err !== null) resolve({ code: err.code, details: err.details });
        else resolve({ code: 0, details: '', response });
      });
    });
  } finally {
    client.close();
  }
}

/** A gRPC length-prefixed message frame: compressed flag, 4-byte big-endian length, bytes. */
export function grpcFrame(message: Buffer, announcedLength = message.length, compressed = false): Buffer {
  const header = Buffer.alloc(5);
  header[0] = compressed ? 1 : 0;
  header.writeUInt32BE(announcedLength, 1);
  return Buffer.concat([header, message]);
}

export interface RawStream {
  session: ClientHttp2Session;
  stream: ClientHttp2Stream;
  /** Resolves with the grpc-status (from headers or trailers) once the server ends the call. */
  status: Promise<{ code: number; message: string }>;
}

/** Opens an Export call over a bare HTTP/2 stream and writes `first` without ending the stream. */
export function openRawStream(url: string, first: Buffer, metadata: Record<string, string> = {}): RawStream {
  const session = connect(url);
  session.on('error', () => undefined);
  const stream = session.request({ ':method': 'POST', ':path': EXPORT_PATH, 'content-type': 'application/grpc', te: 'trailers', ...metadata });
  stream.on('error', () => undefined);
  const status = new Promise<{ code: number; message: string }>((resolve) => {
    const take = (h: Record<string, unknown>): void => {
      if (h['grpc-status'] !== undefined) resolve({ code: Number(h['grpc-status']), message: decodeURIComponent(String(h['grpc-message'] ?? '')) });
    };
    stream.on('response', take);
    stream.on('trailers', take);
    stream.on('close', () => resolve({ code: -1, message: 'stream closed without a status' }));
    stream.resume();
  });
  stream.write(first);
  return { session, stream, status };
}
