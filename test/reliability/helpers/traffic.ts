// Traffic for the reliability tests: cheap OTLP/JSON bodies of N LLM spans (for volumes the
// SDK would take minutes to produce), raw senders that misbehave on purpose, and a poster
// that reports the status or the socket error of each request.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Agent } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';

/** gpt-4o-mini at 1000 input + 500 output tokens per span. */
export const SPAN_MODEL = 'gpt-4o-mini';

/**
 * An ExportTraceServiceRequest (OTLP/JSON) of `n` GenAI chat spans with fresh ids; with
 * `padBytes`, one more (non-LLM) span carrying a string attribute of that many bytes.
 */
export function otlpJsonBody(n: number, service = 'reliability', padBytes = 0): Buffer {
  const traceId = randomBytes(16).toString('hex');
  const ids = randomBytes(8 * n).toString('hex');
  const spans: string[] = [];
  const start = BigInt(Date.now()) * 1_000_000n;
  for (let i = 0; i < n; i++) {
    spans.push(
      `{"traceId":"${traceId}","spanId":"${ids.slice(i * 16, i * 16 + 16)}","name":"chat ${SPAN_MODEL}","kind":3,` +
        `"startTimeUnixNano":"${start}","endTimeUnixNano":"${start + 1_000_000n}","attributes":[` +
        `{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},` +
        `{"key":"gen_ai.provider.name","value":{"stringValue":"openai"}},` +
        `{"key":"gen_ai.request.model","value":{"stringValue":"${SPAN_MODEL}"}},` +
        `{"key":"gen_ai.usage.input_tokens","value":{"intValue":"1000"}},` +
        `{"key":"gen_ai.usage.output_tokens","value":{"intValue":"500"}}]}`,
    );
  }
  if (padBytes > 0) {
    spans.push(
      `{"traceId":"${traceId}","spanId":"${randomBytes(8).toString('hex')}","name":"padding","kind":1,` +
        `"startTimeUnixNano":"${start}","endTimeUnixNano":"${start + 1_000_000n}","attributes":[` +
        `{"key":"padding","value":{"stringValue":"${'x'.repeat(padBytes)}"}}]}`,
    );
  }
  return Buffer.from(
    `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"${service}"}}]},` +
      `"scopeSpans":[{"scope":{"name":"reliability"},"spans":[${spans.join(',')}]}]}]}`,
  );
}

export interface PostOutcome {
  status?: number;
  retryAfter?: string;
  body?: string;
  /** The socket error code when the request failed without an answer (e.g. ECONNRESET). */
  error?: string;
}

/** POSTs `body` as OTLP/JSON; never rejects. */
export function post(url: string, body: Buffer, headers: Record<string, string> = {}, agent?: Agent): Promise<PostOutcome> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(body.length), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'], body: Buffer.concat(chunks).toString() }));
        res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end(body);
  });
}

export interface SlowSender {
  /** Resolves when the server closed the connection: what it answered, and after how long. */
  closed: Promise<{ answer: string; afterMs: number }>;
  stop(): void;
}

/**
 * Sends a request's headers, then trickles its body: `chunked` never ends; otherwise the
 * declared Content-Length is never reached at one byte per `everyMs`.
 */
export function slowSender(port: number, opts: { chunked: boolean; everyMs: number; contentLength?: number }): SlowSender {
  const started = Date.now();
  const socket: Socket = connect(port, '127.0.0.1');
  let answer = '';
  const framing = opts.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${opts.contentLength ?? 100_000}`;
  socket.write(`POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${framing}\r\n\r\n`);
  const timer = setInterval(() => {
    if (!socket.writable) return;
    socket.write(opts.chunked ? '1\r\n \r\n' : ' ');
  }, opts.everyMs);
  socket.on('data', (c: Buffer) => (answer += c.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<{ answer: string; afterMs: number }>((resolve) => {
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, afterMs: Date.now() - started });
    });
  });
  return {
    closed,
    stop: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

/** The status line's code of a raw HTTP answer, e.g. 408. */
export function statusOf(answer: string): number | undefined {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
  return m === null ? undefined : Number(m[1]);
}
