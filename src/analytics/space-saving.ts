// Space-Saving heavy-hitter sketch (Metwally et al., 2005) with weights: at most `capacity`
// entries whatever the number of distinct ids. Every id whose weight exceeds total/capacity is
// present; an entry's true weight lies in [weight - error, weight]. Min-heap keyed by weight.
//
// Struct of arrays: an entry is a slot (0..capacity-1, given in arrival order and never freed;
// a replacement reuses the minimum's slot), its numbers live in Float64Arrays and the heap holds
// slots, with a copy of their weights in heap order. A sift step reads unboxed weights from one
// array, at positions known from the step before, instead of through the slot (a dependent load)
// or from entry objects and their boxed doubles (timestamps are past 2^31, so V8 boxes them in
// object fields).
//
// Ids are found through an open-addressing table of slots, each slot's 32-bit hash kept beside
// it, instead of a Map: ids arrive as new strings and, in a full sketch, most are misses that
// replace the minimum. A Map compares against its key strings (old-generation objects, a cache
// miss each) on get, delete and set; here a miss compares stored hashes and reads no id string.

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

/** Random per process, so that ids cannot be crafted to collide. No result depends on it. */
const SEED = (Math.random() * 2 ** 32) | 0;

/** FNV-1a over the UTF-16 code units two at a time, then murmur3's finalizer (the table uses the low bits). */
function hash(id: string): number {
  const len = id.length;
  let h = SEED ^ len;
  let i = 0;
  for (; i + 1 < len; i += 2) h = Math.imul(h ^ (id.charCodeAt(i) | (id.charCodeAt(i + 1) << 16)), 0x01000193);
  if (i < len) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class SpaceSaving {
  private readonly ids: string[] = [];
  /**
   * Linear probing, load at most 1/4 (a miss mostly meets an empty bucket first): each bucket
   * holds a slot or -1. A removal shifts the rest of its cluster back instead of leaving a
   * tombstone. One empty bucket until the first add, so a lookup needs no check.
   */
  private table = new Int32Array(1).fill(-1);
  private mask = 0;
  // Allocated as the sketch grows (see grow()): a configured capacity costs nothing until used.
  private weight = new Float64Array(0);
  private error = new Float64Array(0);
  private calls = new Float64Array(0);
  private firstMs = new Float64Array(0);
  private lastMs = new Float64Array(0);
  private hashes = new Int32Array(0);
  /** When each slot took its id: the order a Map iterates in, which top() can depend on. */
  private stamp = new Float64Array(0);
  private stamps = 0;
  /** Once `ordered`: slots as a min-heap by weight, their weights, and each slot's position. */
  private heap = new Int32Array(0);
  private heapWeight = new Float64Array(0);
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
    return this.n;
  }

  add(id: string, weight: number, ts: number): void {
    const h = hash(id);
    let s = this.find(id, h);
    if (s >= 0) {
      this.weight[s] = this.weight[s]! + weight;
      this.calls[s] = this.calls[s]! + 1;
      if (ts > this.lastMs[s]!) this.lastMs[s] = ts;
      if (ts < this.firstMs[s]!) this.firstMs[s] = ts;
      if (this.ordered) this.siftDown(this.heapPos[s]!);
    } else if (this.n < this.capacity) {
      this.put(this.append(id, h), weight, 0, 1, ts, ts);
    } else {
      if (!this.ordered) this.order();
      // Replace the minimum: the newcomer inherits its weight as the error bound.
      s = this.heap[0]!;
      this.unlink(s);
      this.claim(s, id, h);
      const min = this.weight[s]!;
      this.put(s, min + weight, min, 1, ts, ts);
      this.siftDown(0);
    }
    this.changed = true;
  }

  /** Loads a persisted entry. */
  restore(h: HeavyHitter): void {
    const hh = hash(h.id);
    if (this.find(h.id, hh) >= 0 || this.n >= this.capacity) return;
    this.put(this.append(h.id, hh), h.weight, h.error, h.calls, h.firstMs, h.lastMs);
  }

  /** The n heaviest, heaviest first (ties by id for a stable order). */
  top(n: number): HeavyHitter[] {
    const { weight, ids, stamp } = this;
    const slots = Array.from({ length: this.n }, (_, s) => s);
    // A NaN weight makes the comparison below inconsistent, and the result then depends on the
    // order the sort starts from: start from the order the Map this table replaced iterated in.
    if (weight.subarray(0, this.n).some(Number.isNaN)) slots.sort((a, b) => stamp[a]! - stamp[b]!);
    return slots
      .sort((a, b) => weight[b]! - weight[a]! || (ids[a]! < ids[b]! ? -1 : 1))
      .slice(0, n)
      .map((s) => this.entry(s));
  }

  get(id: string): HeavyHitter | undefined {
    const s = this.find(id, hash(id));
    return s < 0 ? undefined : this.entry(s);
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
  private append(id: string, h: number): number {
    const s = this.n;
    if (s === this.weight.length) this.grow();
    this.n = s + 1;
    this.claim(s, id, h);
    return s;
  }

  /** The slot holding `id` (of hash `h`), else -1. */
  private find(id: string, h: number): number {
    const { table, hashes, ids, mask } = this;
    for (let b = h & mask; ; b = (b + 1) & mask) {
      const s = table[b]!;
      if (s < 0) return -1;
      if (hashes[s] === h && ids[s] === id) return s;
    }
  }

  /** Gives slot s to `id` (of hash `h`). */
  private claim(s: number, id: string, h: number): void {
    this.ids[s] = id;
    this.hashes[s] = h;
    this.stamp[s] = this.stamps++;
    this.link(s);
  }

  private link(s: number): void {
    const { table, mask } = this;
    let b = this.hashes[s]! & mask;
    while (table[b]! >= 0) b = (b + 1) & mask;
    table[b] = s;
  }

  /** Empties slot s's bucket, moving later buckets of its cluster back into the hole where they may go. */
  private unlink(s: number): void {
    const { table, hashes, mask } = this;
    let hole = hashes[s]! & mask;
    while (table[hole] !== s) hole = (hole + 1) & mask;
    for (let b = (hole + 1) & mask; ; b = (b + 1) & mask) {
      const t = table[b]!;
      if (t < 0) break;
      // t may move unless its probe starts after the hole (a lookup of it would not pass the hole).
      if (((b - hashes[t]!) & mask) >= ((b - hole) & mask)) {
        table[hole] = t;
        hole = b;
      }
    }
    table[hole] = -1;
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
    this.stamp = widen(this.stamp);
    const hashes = new Int32Array(next);
    hashes.set(this.hashes);
    this.hashes = hashes;
    let buckets = 2;
    while (buckets < 4 * next) buckets *= 2;
    this.table = new Int32Array(buckets).fill(-1);
    this.mask = buckets - 1;
    for (let s = 0; s < this.n; s++) this.link(s);
  }

  /** Makes the entries a heap (Floyd's bottom-up construction). Called once, when full. */
  private order(): void {
    const n = this.n;
    if (n === 0) throw new RangeError(`SpaceSaving capacity must be at least 1, got ${this.capacity}`);
    this.ordered = true;
    this.heap = new Int32Array(n);
    this.heapPos = new Int32Array(n);
    this.heapWeight = this.weight.slice(0, n);
    for (let i = 0; i < n; i++) this.heap[i] = this.heapPos[i] = i;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(i: number): void {
    const { heap, heapWeight, heapPos } = this;
    const n = this.n;
    const s = heap[i]!;
    const w = this.weight[s]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      // The lighter child, right only if strictly lighter. Which child wins is a coin toss the
      // branch predictor loses half the time, so it is computed (l + 0 or 1), not branched on:
      // ~20 ns less per replacement at capacity 1000.
      const c = l + 1 < n ? l + Number(heapWeight[l + 1]! < heapWeight[l]!) : l;
      const cw = heapWeight[c]!;
      if (cw >= w) break;
      const child = heap[c]!;
      heap[i] = child;
      heapWeight[i] = cw;
      heapPos[child] = i;
      i = c;
    }
    heap[i] = s;
    heapWeight[i] = w;
    heapPos[s] = i;
  }
}
