// Reads an OTLP/HTTP request body with a wire-size cap, and gunzips it with a cap on the
// decompressed size too (a small gzip bomb must not become a large allocation).
import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';

export interface BodyLimits {
  /** Largest accepted body as sent on the wire (compressed or not), in bytes. */
  maxBodyBytes: number;
  /** Largest accepted body after gunzip, in bytes. */
  maxDecompressedBytes: number;
}

export type BodyResult =
  | { ok: true; body: Buffer }
  | { ok: false; status: 400 | 413 | 415; reason: string; message: string };

/** Content-Encoding values we can read. */
export function supportedEncoding(header: string | undefined): 'gzip' | 'identity' | undefined {
  const enc = (header ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return 'identity';
  if (enc === 'gzip' || enc === 'x-gzip') return 'gzip';
  return undefined;
}

function tooLarge(what: string, limit: number): BodyResult {
  return { ok: false, status: 413, reason: 'payload_too_large', message: `${what} exceeds the limit of ${limit} bytes` };
}

/** Never rejects for client faults: every outcome is a BodyResult. Rejects only if the socket fails. */
export async function readBody(req: IncomingMessage, encoding: 'gzip' | 'identity', limits: BodyLimits): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBodyBytes) return tooLarge('request body', limits.maxBodyBytes);
  const raw = await collect(req, limits.maxBodyBytes);
  if (raw === undefined) return tooLarge('request body', limits.maxBodyBytes);
  if (encoding === 'identity') return { ok: true, body: raw };
  return new Promise((resolve) => {
    gunzip(raw, { maxOutputLength: limits.maxDecompressedBytes }, (err, out) => {
      if (err === null) resolve({ ok: true, body: out });
      else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        resolve(tooLarge('decompressed request body', limits.maxDecompressedBytes));
      } else resolve({ ok: false, status: 400, reason: 'payload_bad_gzip', message: `body is not valid gzip: ${err.message}` });
    });
  });
}

/** Resolves undefined as soon as the body passes `max` bytes (the rest is not buffered). */
function collect(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer): void => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        done = true;
        cleanup();
        req.resume(); // discard the rest; the response will close the connection
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      if (done) return;
      done = true;
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      if (done) return;
      done = true;
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onAborted = (): void => onError(new Error('request aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
