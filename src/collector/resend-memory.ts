// Recognises a request an exporter sends again (it timed out waiting for our answer, or got a
// 503 from a proxy, and retries the same payload): the digest of every processed request body,
// after gunzip, is kept for a bounded time and number of requests. A body seen before is
// answered as the first time and neither counted nor forwarded again, however many spans
// arrived in between (the span-id dedupe memory only reaches back dedupe_capacity LLM spans).
//
// Bounds: entries older than windowMs are forgotten; past maxEntries the oldest go first.
// One entry is a 22-character key and a timestamp in a Map, about 120 bytes.
import { createHash } from 'node:crypto';

export interface ResendMemoryOptions {
  /** How long a request is remembered. */
  windowMs: number;
  /** Most requests remembered at once. */
  maxEntries: number;
  clock?: () => number;
}

export class ResendMemory {
  /** Digest -> when first processed; insertion order is time order. */
  private readonly seen = new Map<string, number>();
  private readonly clock: () => number;
  /** Entries forgotten before their window ended because maxEntries was reached. */
  evictedEarly = 0;

  constructor(private readonly opts: ResendMemoryOptions) {
    this.clock = opts.clock ?? Date.now;
  }

  /** The key of a request body (128 bits of its SHA-256). */
  static keyOf(body: Buffer): string {
    return createHash('sha256').update(body).digest('base64url').slice(0, 22);
  }

  /** Whether `key` was processed within the window. */
  has(key: string): boolean {
    const at = this.seen.get(key);
    return at !== undefined && this.clock() - at <= this.opts.windowMs;
  }

  /** Records `key` as processed now (call only once its request was processed for good). */
  add(key: string): void {
    const now = this.clock();
    this.seen.delete(key);
    this.seen.set(key, now);
    for (const [k, at] of this.seen) {
      if (now - at > this.opts.windowMs) this.seen.delete(k);
      else if (this.seen.size > this.opts.maxEntries) {
        this.seen.delete(k);
        this.evictedEarly++;
      } else break;
    }
  }

  get size(): number {
    return this.seen.size;
  }
}
