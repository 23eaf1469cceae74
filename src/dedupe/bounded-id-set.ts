// A set of span ids with a hard size bound: two generations of Set, like quick-lru's two
// Maps. New ids go into the young generation; when it fills, the old generation is dropped
// whole (counted as evicted) and the young one becomes old. O(1), no per-entry bookkeeping.

export class BoundedIdSet {
  private young = new Set<string>();
  private old = new Set<string>();
  private readonly generationSize: number;
  private dropped = 0;

  /** capacity: the most ids held at once (both generations together); at least 2. */
  constructor(capacity: number) {
    this.generationSize = Math.max(1, Math.floor(capacity / 2));
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  /** Ids dropped by the bound so far. */
  get evicted(): number {
    return this.dropped;
  }

  add(id: string): void {
    if (this.young.has(id)) return;
    // An id found in the old generation moves up, as a fresh use.
    this.old.delete(id);
    if (this.young.size >= this.generationSize) {
      this.dropped += this.old.size;
      this.old = this.young;
      this.young = new Set<string>();
    }
    this.young.add(id);
  }

  has(id: string): boolean {
    return this.young.has(id) || this.old.has(id);
  }

  /** Removes the id; true when it was held. */
  take(id: string): boolean {
    if (this.young.delete(id)) return true;
    return this.old.size > 0 && this.old.delete(id);
  }
}
