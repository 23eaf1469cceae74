// The LLM spans already decided, each with its trace id and whether it was counted, so that a
// child ending after its counted parent is not counted again, and so that a span re-sent by an
// exporter (the collector) gets its first verdict again. Bounded like BoundedIdSet: two
// generations of Map, the older dropped whole when the younger fills.

interface Decision {
  traceId: string;
  counted: boolean;
}

export class DecidedSpans {
  private young = new Map<string, Decision>();
  private old = new Map<string, Decision>();
  private readonly generationSize: number;

  /** capacity: the most span ids held at once (both generations together); at least 2. */
  constructor(capacity: number) {
    this.generationSize = Math.max(1, Math.floor(capacity / 2));
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  // Keyed by span id alone: a span id in two traces is a 2^-64 event (or garbage data); the
  // later one then replaces the earlier, which is forgotten.
  add(spanId: string, traceId: string, counted: boolean): void {
    if (this.young.size >= this.generationSize && !this.young.has(spanId)) {
      this.old = this.young;
      this.young = new Map();
    }
    // An entry of the same id in the old generation stays until it is dropped, hidden by this one.
    this.young.set(spanId, { traceId, counted });
  }

  /** true: counted; false: decided and not counted; undefined: not held for this trace. */
  counted(spanId: string, traceId: string): boolean | undefined {
    const held = this.young.get(spanId) ?? this.old.get(spanId);
    return held === undefined || held.traceId !== traceId ? undefined : held.counted;
  }
}
