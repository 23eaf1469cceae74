// Sends received trace requests on to a downstream OTLP/HTTP endpoint: a bounded queue,
// a few concurrent senders, retries with exponential backoff (and Retry-After) on
// 429/502/503/504 and network errors, and a drop count for whatever cannot be delivered.
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';

const gzipAsync = promisify(gzip);

export interface ForwardConfig {
  /** Full URL of the downstream traces endpoint, e.g. http://otel-collector:4318/v1/traces. Required. */
  endpoint: string;
  /** Extra request headers (e.g. an API key). Default: none. */
  headers?: Record<string, string>;
  /** Compress forwarded bodies. Default: 'none'. */
  compression?: 'gzip' | 'none';
  /** Requests waiting to be sent; past this, new requests are dropped. Default: 512. */
  queueSize?: number;
  /**
   * Bytes of request bodies waiting or in flight (as received, after gunzip); a request that
   * would pass it is dropped. The forwarder's whole memory bound. Default: 64 MiB.
   */
  queueBytes?: number;
  /**
   * Requests in flight at once. Default: 10, the OpenTelemetry Collector's exporterhelper
   * default (sending_queue.num_consumers). Forwarding is capped at this many per round trip,
   * and a collector busy with intake reads each answer late: with 4, one taking 65k spans/s
   * from 8 senders forwarded 60% and dropped the rest as forward_queue_full; with 10 all
   * (`npm run bench -- forward`).
   */
  concurrency?: number;
  /** Retries after the first attempt before a request is dropped. Default: 5. */
  maxRetries?: number;
  /** First retry delay; doubles each retry (with jitter). Default: 500 ms. */
  initialBackoffMs?: number;
  /** Cap on one retry delay, also on Retry-After. Default: 30000 ms. */
  maxBackoffMs?: number;
  /** Timeout of one attempt. Default: 10000 ms. */
  timeoutMs?: number;
}

export type DropReason = 'forward_queue_full' | 'forward_retries_exhausted' | 'forward_rejected' | 'forward_shutdown';

interface Item {
  body: Buffer;
  contentType: string;
  spans: number;
}

const DEFAULT_QUEUE_BYTES = 64 * 1024 * 1024;

const RETRYABLE = new Set([429, 502, 503, 504]);

export interface ForwarderStats {
  sentRequests: number;
  sentSpans: number;
  droppedRequests: number;
  droppedSpans: number;
  retries: number;
}

export class Forwarder {
  readonly stats: ForwarderStats = { sentRequests: 0, sentSpans: 0, droppedRequests: 0, droppedSpans: 0, retries: 0 };
  private readonly queue: Item[] = [];
  private active = 0;
  /** Bytes of the bodies queued or in flight. */
  private heldBytes = 0;
  private closing = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly aborter = new AbortController();
  private readonly cfg: Required<Omit<ForwardConfig, 'headers'>> & { headers: Record<string, string> };

  constructor(config: ForwardConfig, private readonly onDrop: (reason: DropReason, spans: number) => void) {
    this.cfg = {
      endpoint: config.endpoint,
      headers: config.headers ?? {},
      compression: config.compression ?? 'none',
      queueSize: config.queueSize ?? 512,
      queueBytes: config.queueBytes ?? DEFAULT_QUEUE_BYTES,
      concurrency: config.concurrency ?? 10,
      maxRetries: config.maxRetries ?? 5,
      initialBackoffMs: config.initialBackoffMs ?? 500,
      maxBackoffMs: config.maxBackoffMs ?? 30_000,
      timeoutMs: config.timeoutMs ?? 10_000,
    };
  }

  /** Queues one request body; returns false (and counts a drop) when the queue is full, in requests or bytes. */
  enqueue(body: Buffer, contentType: string, spans: number): boolean {
    if (this.closing) {
      this.drop('forward_shutdown', spans);
      return false;
    }
    if (this.queue.length >= this.cfg.queueSize || this.heldBytes + body.length > this.cfg.queueBytes) {
      this.drop('forward_queue_full', spans);
      return false;
    }
    this.heldBytes += body.length;
    this.queue.push({ body, contentType, spans });
    this.pump();
    return true;
  }

  /** Requests queued or in flight. */
  get pending(): number {
    return this.queue.length + this.active;
  }

  /** Bytes of the bodies queued or in flight. */
  get pendingBytes(): number {
    return this.heldBytes;
  }

  /** Stops taking work and waits for the queue to empty, up to `timeoutMs`; the rest is dropped. */
  async drain(timeoutMs: number): Promise<void> {
    this.closing = true;
    if (this.pending > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    for (const item of this.queue.splice(0)) {
      this.heldBytes -= item.body.length;
      this.drop('forward_shutdown', item.spans);
    }
    this.aborter.abort();
  }

  private pump(): void {
    while (this.active < this.cfg.concurrency && this.queue.length > 0) {
      const item = this.queue.shift()!;
      this.active++;
      void this.deliver(item).catch(() => this.drop('forward_rejected', item.spans)).finally(() => {
        this.active--;
        this.heldBytes -= item.body.length;
        if (this.pending === 0) for (const w of this.idleWaiters.splice(0)) w();
        this.pump();
      });
    }
  }

  private async deliver(item: Item): Promise<void> {
    let body = item.body;
    const headers: Record<string, string> = { ...this.cfg.headers, 'Content-Type': item.contentType };
    if (this.cfg.compression === 'gzip') {
      body = await gzipAsync(body);
      headers['Content-Encoding'] = 'gzip';
    }
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(body, headers);
      if (outcome.ok) {
        this.stats.sentRequests++;
        this.stats.sentSpans += item.spans;
        return;
      }
      if (!outcome.retryable) return this.drop('forward_rejected', item.spans);
      if (attempt >= this.cfg.maxRetries || this.aborter.signal.aborted) return this.drop('forward_retries_exhausted', item.spans);
      this.stats.retries++;
      await this.sleep(this.backoff(attempt, outcome.retryAfterMs));
    }
  }

  private async attempt(body: Buffer, headers: Record<string, string>): Promise<{ ok: boolean; retryable: boolean; retryAfterMs?: number }> {
    try {
      const res = await fetch(this.cfg.endpoint, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.any([AbortSignal.timeout(this.cfg.timeoutMs), this.aborter.signal]),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, retryable: false };
      return { ok: false, retryable: RETRYABLE.has(res.status), retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) };
    } catch {
      return { ok: false, retryable: true };
    }
  }

  private backoff(attempt: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, this.cfg.maxBackoffMs);
    const base = Math.min(this.cfg.initialBackoffMs * 2 ** attempt, this.cfg.maxBackoffMs);
    return base / 2 + Math.random() * (base / 2);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.aborter.signal.aborted) return resolve();
      const signal = this.aborter.signal;
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private drop(reason: DropReason, spans: number): void {
    this.stats.droppedRequests++;
    this.stats.droppedSpans += spans;
    this.onDrop(reason, spans);
  }
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}
