// Space-Saving heavy-hitter sketch (Metwally et al., 2005) with weights: at most `capacity`
// entries whatever the number of distinct ids. Every id whose weight exceeds total/capacity is
// present; an entry's true weight lies in [weight - error, weight]. Min-heap keyed by weight.

export interface HeavyHitter {
  id: string;
  /** Weight counted for this id (an over-estimate by at most `error`). */
  weight: number;
  /** Weight inherited from the evicted entry; 0 means `weight` is exact. */
  error: number;
  /** Calls counted since the id entered the sketch. */
  calls: number;
  firstMs: number;
  lastMs: number;
}

interface Entry extends HeavyHitter {
  index: number;
}

export class SpaceSaving {
  private readonly map = new Map<string, Entry>();
  /** A min-heap by weight once `ordered`; before the sketch first fills, entries in arrival order. */
  private readonly heap: Entry[] = [];
  /**
   * The heap order is only needed to find the minimum to replace, so it is built when the
   * sketch first fills (O(capacity), once) and kept from then on: a sketch that never fills
   * (a few hundred users) does no heap work per call.
   */
  private ordered = false;
  /** Changed since the last snapshot. */
  private changed = false;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.map.size;
  }

  add(id: string, weight: number, ts: number): void {
    let e = this.map.get(id);
    if (e !== undefined) {
      e.weight += weight;
      e.calls += 1;
      if (ts > e.lastMs) e.lastMs = ts;
      if (ts < e.firstMs) e.firstMs = ts;
      if (this.ordered) this.siftDown(e.index);
    } else if (this.heap.length < this.capacity) {
      e = { id, weight, error: 0, calls: 1, firstMs: ts, lastMs: ts, index: this.heap.length };
      this.map.set(id, e);
      this.heap.push(e);
      if (this.ordered) this.siftUp(e.index);
    } else {
      if (!this.ordered) this.order();
      // Replace the minimum: the newcomer inherits its weight as the error bound.
      e = this.heap[0] as Entry;
      this.map.delete(e.id);
      const min = e.weight;
      e.id = id;
      e.error = min;
      e.weight = min + weight;
      e.calls = 1;
      e.firstMs = ts;
      e.lastMs = ts;
      this.map.set(id, e);
      this.siftDown(0);
    }
    this.changed = true;
  }

  /** Loads a persisted entry. */
  restore(h: HeavyHitter): void {
    if (this.map.has(h.id) || this.heap.length >= this.capacity) return;
    const e: Entry = { ...h, index: this.heap.length };
    this.map.set(h.id, e);
    this.heap.push(e);
    if (this.ordered) this.siftUp(e.index);
  }

  /** The n heaviest, heaviest first (ties by id for a stable order). */
  top(n: number): HeavyHitter[] {
    return [...this.map.values()]
      .sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : 1))
      .slice(0, n)
      .map(({ id, weight, error, calls, firstMs, lastMs }) => ({ id, weight, error, calls, firstMs, lastMs }));
  }

  get(id: string): HeavyHitter | undefined {
    return this.map.get(id);
  }

  /** All entries when the sketch changed since the last call, else undefined. */
  takeSnapshot(): HeavyHitter[] | undefined {
    if (!this.changed) return undefined;
    this.changed = false;
    return this.heap.map(({ id, weight, error, calls, firstMs, lastMs }) => ({ id, weight, error, calls, firstMs, lastMs }));
  }

  /** Marks the sketch changed again after a failed write. */
  markChanged(): void {
    this.changed = true;
  }

  /** Makes the entries a heap (Floyd's bottom-up construction). */
  private order(): void {
    this.ordered = true;
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const e = heap[i] as Entry;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p] as Entry;
      if (parent.weight <= e.weight) break;
      heap[i] = parent;
      parent.index = i;
      i = p;
    }
    heap[i] = e;
    e.index = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const e = heap[i] as Entry;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && (heap[r] as Entry).weight < (heap[l] as Entry).weight) c = r;
      const child = heap[c] as Entry;
      if (child.weight >= e.weight) break;
      heap[i] = child;
      child.index = i;
      i = c;
    }
    heap[i] = e;
    e.index = i;
  }
}
