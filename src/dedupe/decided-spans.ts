// The LLM spans already decided, each with its trace id and whether it was counted, so that
// a child ending after its counted parent is not counted again, and so that a span re-sent by
// an exporter (the collector) gets its first verdict again. Bounded like BoundedIdSet: two
// generations of Map, the older dropped whole when the younger fills. The value is the span's
// own trace id string (no object per entry); the few spans decided but not counted are also
// listed in a Set of their generation.

export class DecidedSpans {
  private young = new Map<string, string>();
  private old = new Map<string, string>();
  private youngNotCounted = new Set<string>();
  private oldNotCounted = new Set<string>();
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
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.oldNotCounted = this.youngNotCounted;
      this.young = new Map();
      this.youngNotCounted = new Set();
    }
    this.young.set(spanId, traceId);
    if (!counted) this.youngNotCounted.add(spanId);
    else if (this.youngNotCounted.size > 0) this.youngNotCounted.delete(spanId);
  }

  /** true: counted; false: decided and not counted; undefined: not held for this trace. */
  counted(spanId: string, traceId: string): boolean | undefined {
    let held = this.young.get(spanId);
    if (held !== undefined) return held === traceId ? !(this.youngNotCounted.size > 0 && this.youngNotCounted.has(spanId)) : undefined;
    if (this.old.size === 0) return undefined;
    held = this.old.get(spanId);
    return held === traceId ? !(this.oldNotCounted.size > 0 && this.oldNotCounted.has(spanId)) : undefined;
  }
}
