/**
 * A bounded least-recently-used map keyed by three strings, in the two-generation style: a
 * read is a lookup per key part (nested Maps: no key string is built per call), and when the
 * young generation fills up the old one is dropped whole. Holds at most `capacity` entries.
 */
type Nested<V> = Map<string, Map<string, Map<string, V>>>;

function find<V>(m: Nested<V>, a: string, b: string, c: string): V | undefined {
  return m.get(a)?.get(b)?.get(c);
}

export class BoundedLru<V> {
  readonly capacity: number;
  readonly #generation: number;
  #young: Nested<V> = new Map();
  #old: Nested<V> = new Map();
  #youngSize = 0;
  #oldSize = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(2, Math.floor(capacity));
    this.#generation = Math.ceil(this.capacity / 2);
  }

  get size(): number {
    return this.#youngSize + this.#oldSize;
  }

  get(a: string, b: string, c: string): V | undefined {
    const hit = find(this.#young, a, b, c);
    if (hit !== undefined) return hit;
    const old = find(this.#old, a, b, c);
    if (old !== undefined) {
      this.#deleteOld(a, b, c);
      this.#promote(a, b, c, old);
    }
    return old;
  }

  set(a: string, b: string, c: string, value: V): void {
    const inner = this.#young.get(a)?.get(b);
    if (inner?.has(c) === true) {
      inner.set(c, value);
      return;
    }
    this.#deleteOld(a, b, c);
    this.#promote(a, b, c, value);
  }

  #deleteOld(a: string, b: string, c: string): void {
    if (this.#old.get(a)?.get(b)?.delete(c) === true) this.#oldSize--;
  }

  #promote(a: string, b: string, c: string, value: V): void {
    if (this.#youngSize >= this.#generation) {
      this.#old = this.#young;
      this.#oldSize = this.#youngSize;
      this.#young = new Map();
      this.#youngSize = 0;
    }
    let byB = this.#young.get(a);
    if (byB === undefined) {
      byB = new Map();
      this.#young.set(a, byB);
    }
    let byC = byB.get(b);
    if (byC === undefined) {
      byC = new Map();
      byB.set(b, byC);
    }
    byC.set(c, value);
    this.#youngSize++;
  }
}
