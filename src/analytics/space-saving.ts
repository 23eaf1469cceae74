// Space-Saving heavy-hitter sketch (Metwally et al., 2005) with weights: at most `capacity`
// entries whatever the number of distinct ids. Every id whose weight exceeds total/capacity is
// present; an entry's true weight lies in [weight - error, weight]. Min-heap keyed by weight.
//
// Struct of arrays: an entry is a slot (0..capacity-1, given in arrival order and never freed;
// a replacement reuses the minimum's slot), its numbers live in Float64Arrays and the heap holds
// slots. A sift step reads unboxed weights from one array instead of two entry objects and their
// boxed doubles (timestamps are past 2^31, so V8 boxes them in object fields).

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

/** Slots allocated at the first add; the arrays double from there up to `capacity`. */
const INITIAL_SLOTS = 64;

export class SpaceSaving {
  private readonly slotOf = new Map<string, number>();
  private readonly ids: string[] = [];
  // Allocated as the sketch grows (see grow()): a configured capacity costs nothing until used.
  private weight = new Float64Array(0);
  private error = new Float64Array(0);
  private calls = new Float64Array(0);
  private firstMs = new Float64Array(0);
  private lastMs = new Float64Array(0);
  /** Once `ordered`: slots as a min-heap by weight, and each slot's position in it. */
  private heap = new Int32Array(0);
  private heapPos = new Int32Array(0);
  /** Entries held: slots 0..n-1 are in use. */
  private n = 0;
  /**
   * The heap order is only needed to find the minimum to replace, so it is built when the
   * sketch first fills (O(capacity), once) and kept from then on: a sketch that never fills
   * (a few hundred users) does no heap work per call. Until then the heap is slot (arrival) order.
   * A full sketch stays full, so once `ordered` every add of a new id is a replacement.
   */
  private ordered = false;
  /** Changed since the last snapshot. */
  private changed = false;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.slotOf.size;
  }

  add(id: string, weight: number, ts: number): void {
    let s = this.slotOf.get(id);
    if (s !== undefined) {
      this.weight[s] = this.weight[s]! + weight;
      this.calls[s] = this.calls[s]! + 1;
      if (ts > this.lastMs[s]!) this.lastMs[s] = ts;
      if (ts < this.firstMs[s]!) this.firstMs[s] = ts;
      if (this.ordered) this.siftDown(this.heapPos[s]!);
    } else if (this.n < this.capacity) {
      this.put(this.append(id), weight, 0, 1, ts, ts);
    } else {
      if (!this.ordered) this.order();
      // Replace the minimum: the newcomer inherits its weight as the error bound.
      s = this.heap[0]!;
      this.slotOf.delete(this.ids[s]!);
      const min = this.weight[s]!;
      this.ids[s] = id;
      this.slotOf.set(id, s);
      this.put(s, min + weight, min, 1, ts, ts);
      this.siftDown(0);
    }
    this.changed = true;
  }

  /** Loads a persisted entry. */
  restore(h: HeavyHitter): void {
    if (this.slotOf.has(h.id) || this.n >= this.capacity) return;
    this.put(this.append(h.id), h.weight, h.error, h.calls, h.firstMs, h.lastMs);
  }

  /** The n heaviest, heaviest first (ties by id for a stable order). */
  top(n: number): HeavyHitter[] {
    const { weight, ids } = this;
    return [...this.slotOf.values()]
      .sort((a, b) => weight[b]! - weight[a]! || (ids[a]! < ids[b]! ? -1 : 1))
      .slice(0, n)
      .map((s) => this.entry(s));
  }

  get(id: string): HeavyHitter | undefined {
    const s = this.slotOf.get(id);
    return s === undefined ? undefined : this.entry(s);
  }

  /** All entries when the sketch changed since the last call, else undefined. */
  takeSnapshot(): HeavyHitter[] | undefined {
    if (!this.changed) return undefined;
    this.changed = false;
    // Heap order once ordered, else arrival order. restore() takes entries back in this order, and
    // a heap order is already a heap, so the restored sketch replaces the same minimum next.
    const out: HeavyHitter[] = new Array(this.n);
    for (let i = 0; i < this.n; i++) out[i] = this.entry(this.ordered ? this.heap[i]! : i);
    return out;
  }

  /** Marks the sketch changed again after a failed write. */
  markChanged(): void {
    this.changed = true;
  }

  private put(s: number, weight: number, error: number, calls: number, firstMs: number, lastMs: number): void {
    this.weight[s] = weight;
    this.error[s] = error;
    this.calls[s] = calls;
    this.firstMs[s] = firstMs;
    this.lastMs[s] = lastMs;
  }

  private entry(s: number): HeavyHitter {
    return { id: this.ids[s]!, weight: this.weight[s]!, error: this.error[s]!, calls: this.calls[s]!, firstMs: this.firstMs[s]!, lastMs: this.lastMs[s]! };
  }

  /** Takes the next free slot for `id` (the caller sets its numbers). Only while not full. */
  private append(id: string): number {
    const s = this.n;
    if (s === this.weight.length) this.grow();
    this.n = s + 1;
    this.ids.push(id);
    this.slotOf.set(id, s);
    return s;
  }

  /**
   * Doubles the arrays, up to capacity. Capacity is configurable and unchecked (it may be huge or
   * Infinity, for a sketch that is never meant to fill), so nothing is allocated for it up front.
   */
  private grow(): void {
    const len = this.weight.length;
    let next = Math.max(INITIAL_SLOTS, len * 2);
    if (next > this.capacity) next = Math.ceil(this.capacity);
    const widen = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(next);
      b.set(a);
      return b;
    };
    this.weight = widen(this.weight);
    this.error = widen(this.error);
    this.calls = widen(this.calls);
    this.firstMs = widen(this.firstMs);
    this.lastMs = widen(this.lastMs);
  }

  /** Makes the entries a heap (Floyd's bottom-up construction). Called once, when full. */
  private order(): void {
    const n = this.n;
    if (n === 0) throw new RangeError(`SpaceSaving capacity must be at least 1, got ${this.capacity}`);
    this.ordered = true;
    this.heap = new Int32Array(n);
    this.heapPos = new Int32Array(n);
    for (let i = 0; i < n; i++) this.heap[i] = this.heapPos[i] = i;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(i: number): void {
    const { heap, heapPos, weight } = this;
    const n = this.n;
    const s = heap[i]!;
    const w = weight[s]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      // The lighter child, right only if strictly lighter. Which child wins is a coin toss the
      // branch predictor loses half the time, so it is computed (l + 0 or 1), not branched on:
      // ~20 ns less per replacement at capacity 1000 (of ~210 ns).
      const c = l + 1 < n ? l + Number(weight[heap[l + 1]!]! < weight[heap[l]!]!) : l;
      const child = heap[c]!;
      if (weight[child]! >= w) break;
      heap[i] = child;
      heapPos[child] = i;
      i = c;
    }
    heap[i] = s;
    heapPos[s] = i;
  }
}
