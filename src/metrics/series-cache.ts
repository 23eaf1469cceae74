import type { Attributes } from '@opentelemetry/api';
import { ATTR_OVERFLOW } from '../semconv.js';

/**
 * Attribute objects for one label set, built once and reused for every call with the
 * same labels (the SDK hashes attribute objects on every add, so reusing them keeps the
 * hot path cheap and allocation-free).
 */
export interface SeriesEntry {
  common: Attributes;
  /** Keyed by `${priced}|${errorType}`. */
  requests: Map<string, Attributes>;
  /** [priced ? 1 : 0][token type index]. */
  tokens: [Attributes[] | undefined, Attributes[] | undefined];
}

/**
 * A bounded map from a NUL-joined label key to its SeriesEntry. Past `limit` distinct
 * label sets every new one shares a single overflow entry (otel.metric.overflow=true),
 * as the SDK does for its own cardinality limit, and `overflowed` counts them.
 */
export class SeriesCache {
  private readonly entries = new Map<string, SeriesEntry>();
  private readonly overflow: SeriesEntry = newEntry({ [ATTR_OVERFLOW]: true });
  overflowed = 0;

  constructor(private readonly limit: number) {}

  get(key: string, build: () => Attributes): SeriesEntry {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    if (this.entries.size >= this.limit) {
      this.overflowed++;
      return this.overflow;
    }
    const entry = newEntry(build());
    this.entries.set(key, entry);
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }
}

function newEntry(common: Attributes): SeriesEntry {
  return { common, requests: new Map(), tokens: [undefined, undefined] };
}
