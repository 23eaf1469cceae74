import type { Attributes, Histogram } from '@opentelemetry/api';

const DEFAULT_CAPACITY = 65_536;

/**
 * Histogram measurements held back from the span path and recorded at collection time.
 *
 * The SDK hashes the attribute object of every synchronous record (about 1 us on this
 * path, more than the rest of a call's work); a histogram cannot be observable, so the
 * processor buffers (histogram, value, attributes) here and replays them from the
 * observable-instrument callback, which the SDK runs before it reads the storages of a
 * collection. The data and its totals are the same; the cost moves from span.end() to the
 * scrape. A full buffer (no reader collecting, or a very long interval) is replayed at
 * once, so memory stays bounded.
 */
export class DeferredRecords {
  private readonly histograms: (Histogram | undefined)[];
  private readonly values: Float64Array;
  private readonly attributes: (Attributes | undefined)[];
  private size = 0;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {
    this.histograms = new Array<Histogram | undefined>(capacity).fill(undefined);
    this.values = new Float64Array(capacity);
    this.attributes = new Array<Attributes | undefined>(capacity).fill(undefined);
  }

  push(histogram: Histogram, value: number, attributes: Attributes): void {
    if (this.size === this.capacity) this.flush();
    const i = this.size++;
    this.histograms[i] = histogram;
    this.values[i] = value;
    this.attributes[i] = attributes;
  }

  /** Records everything held, in arrival order. */
  flush(): void {
    const n = this.size;
    this.size = 0;
    for (let i = 0; i < n; i++) {
      this.histograms[i]!.record(this.values[i]!, this.attributes[i]);
      this.histograms[i] = undefined;
      this.attributes[i] = undefined;
    }
  }

  get pending(): number {
    return this.size;
  }
}
