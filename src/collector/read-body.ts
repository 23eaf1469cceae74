// Reads an OTLP/HTTP request body with a wire-size cap, a deadline for the whole body, and a
// shared byte budget for everything being read at once; then gunzips it with a cap on the
// decompressed size too (a small gzip bomb must not become a large allocation).
// A slow or stalled sender therefore holds no slot other senders need: it holds only the bytes
// it actually sent (from the shared budget) and only until its deadline.
import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import type { ByteBudget } from './byte-budget.js';

export interface BodyLimits {
  /** Largest accepted body as sent on the wire (compressed or not), in bytes. */
  maxBodyBytes: number;
  /** Largest accepted body after gunzip, in bytes. */
  maxDecompressedBytes: number;
  /** The whole body must arrive within this many ms of the start of reading it. */
  bodyTimeoutMs: number;
}

export type BodyFailure = {
  ok: false;
  status: 400 | 408 | 413 | 415 | 503;
  reason: string;
  message: string;
  /** The rest of the body was not read: answer with Connection: close and drop the socket. */
  closeConnection: boolean;
};

export type BodyResult = { ok: true; body: Buffer } | BodyFailure;

/** Content-Encoding values we can read. */
export function supportedEncoding(header: string | undefined): 'gzip' | 'identity' | undefined {
  const enc = (header ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return 'identity';
  if (enc === 'gzip' || enc === 'x-gzip') return 'gzip';
  return undefined;
}

function tooLarge(what: string, limit: number, closeConnection: boolean): BodyFailure {
  return { ok: false, status: 413, reason: 'payload_too_large', message: `${what} exceeds the limit of ${limit} bytes`, closeConnection };
}

/** Never rejects for client faults: every outcome is a BodyResult. Rejects only if the socket fails. */
export async function readBody(req: IncomingMessage, encoding: 'gzip' | 'identity', limits: BodyLimits, budget: ByteBudget): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBodyBytes) return tooLarge('request body', limits.maxBodyBytes, true);
  const got = await collect(req, limits, budget);
  if (!got.ok) return got;
  const raw = got.body;
  if (encoding === 'identity') return { ok: true, body: raw };
  return new Promise((resolve) => {
    gunzip(raw, { maxOutputLength: limits.maxDecompressedBytes }, (err, out) => {
      if (err === null) resolve({ ok: true, body: out });
      else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        resolve(tooLarge('decompressed request body', limits.maxDecompressedBytes, false));
      } else resolve({ ok: false, status: 400, reason: 'payload_bad_gzip', message: `body is not valid gzip: ${err.message}`, closeConnection: false });
    });
  });
}

/**
 * Buffers the body, taking each chunk's bytes from `budget` while it is being read. Stops early,
 * without buffering the rest, past maxBodyBytes, past the deadline, or when the budget is spent.
 */
function collect(req: IncomingMessage, limits: BodyLimits, budget: ByteBudget): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult | Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      // The body's bytes go back to the budget as soon as reading stops; the buffer handed on
      // is short-lived (decoded at once) and bounded by maxConcurrentRequests.
      budget.give(size);
      if (result instanceof Error) reject(result);
      else {
        if (!result.ok) req.resume(); // discard whatever else arrives until the socket closes
        resolve(result);
      }
    };
    const onData = (chunk: Buffer): void => {
      if (done) return;
      if (size + chunk.length > limits.maxBodyBytes) return finish(tooLarge('request body', limits.maxBodyBytes, true));
      if (!budget.tryTake(chunk.length)) {
        return finish({
          ok: false,
          status: 503,
          reason: 'intake_busy',
          message: `the collector is reading ${budget.limitBytes} bytes of request bodies already; retry`,
          closeConnection: true,
        });
      }
      size += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    const onError = (err: Error): void => finish(err);
    const onAborted = (): void => finish(new Error('request aborted'));
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          status: 408,
          reason: 'payload_timeout',
          message: `request body did not arrive within ${limits.bodyTimeoutMs} ms (${size} bytes received)`,
          closeConnection: true,
        }),
      limits.bodyTimeoutMs,
    );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
