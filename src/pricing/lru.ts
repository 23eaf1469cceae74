/**
 * A bounded least-recently-used map in the two-generation style (quick-lru): reads and writes
 * go to the young Map; a hit in the old one moves up; when the young Map fills, the old one is
 * dropped whole. Holds at most `capacity` entries.
 */
export class BoundedLru<K, V> {
  readonly capacity: number;
  readonly #generation: number;
  #young = new Map<K, V>();
  #old = new Map<K, V>();

  constructor(capacity: number) {
    this.capacity = Math.max(2, Math.floor(capacity));
    this.#generation = Math.ceil(this.capacity / 2);
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  get(key: K): V | undefined {
    const hit = this.#young.get(key);
    if (hit !== undefined) return hit;
    const old = this.#old.get(key);
    if (old !== undefined) {
      this.#old.delete(key);
      this.#promote(key, old);
    }
    return old;
  }

  set(key: K, value: V): void {
    if (this.#young.has(key)) {
      this.#young.set(key, value);
      return;
    }
    this.#old.delete(key);
    this.#promote(key, value);
  }

  #promote(key: K, value: V): void {
    if (this.#young.size >= this.#generation) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }
}
