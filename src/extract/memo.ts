// Bounded memo for pure string -> value maps on the hot path (marker values repeat across
// spans; a new one costs one computation). Cleared when full, so hostile values cannot grow it.

const DEFAULT_MAX = 500;

/** fn(s), remembered per s. fn must be pure and never return undefined. */
export function memoize<T extends NonNullable<unknown>>(fn: (s: string) => T, max = DEFAULT_MAX): (s: string) => T {
  const cache = new Map<string, T>();
  return (s) => {
    let value = cache.get(s);
    if (value === undefined) {
      value = fn(s);
      if (cache.size >= max) cache.clear();
      cache.set(s, value);
    }
    return value;
  };
}
