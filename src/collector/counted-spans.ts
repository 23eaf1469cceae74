// Memory of spans the collector already counted, so an exporter that re-sends a batch
// (e.g. after a timeout on its side) is not billed twice. Bounded: two generations of Map,
// the older one dropped whole when the younger fills.

/** What forwarding needs to re-annotate a re-sent span. */
export interface CountedOutcome {
  priced: boolean;
  costUsd: number | undefined;
}

export class CountedSpans {
  private young = new Map<string, CountedOutcome>();
  private old = new Map<string, CountedOutcome>();
  private readonly generationSize: number;

  /** capacity: the most span ids held at once; at least 2. */
  constructor(capacity: number) {
    this.generationSize = Math.max(1, Math.floor(capacity / 2));
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: string): CountedOutcome | undefined {
    return this.young.get(key) ?? (this.old.size > 0 ? this.old.get(key) : undefined);
  }

  add(key: string, outcome: CountedOutcome): void {
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, outcome);
  }
}
