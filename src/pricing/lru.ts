/**
 * A bounded least-recently-used map in the two-generation style: reads are a Map lookup,
 * and when the young generation fills up the old one is dropped whole. Holds at most
 * `capacity` entries.
 */
export class BoundedLru<V> {
  readonly capacity: number;
  readonly #generation: number;
  #young = new Map<string, V>();
  #old = new Map<string, V>();

  constructor(capacity: number) {
    this.capacity = Math.max(2, Math.floor(capacity));
    this.#generation = Math.ceil(this.capacity / 2);
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  get(key: string): V | undefined {
    const hit = this.#young.get(key);
    if (hit !== undefined) return hit;
    const old = this.#old.get(key);
    if (old !== undefined) {
      this.#old.delete(key);
      this.#promote(key, old);
    }
    return old;
  }

  set(key: string, value: V): void {
    if (this.#young.has(key)) {
      this.#young.set(key, value);
      return;
    }
    this.#old.delete(key);
    this.#promote(key, value);
  }

  #promote(key: string, value: V): void {
    if (this.#young.size >= this.#generation) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }
}
