// In-process attribution: at each span's start, what it passes on to the spans under it (its
// own agent, session, user and dimensions over what its parent passed on), kept while it is
// open and dropped at its end. A span with nothing to pass on and no parent entry costs one
// Map look-up and allocates nothing; a span with nothing of its own shares its parent's entry.
// Values are read at start: an attribute set on an ancestor after its children started is not
// inherited in-process (the collector reads the final attributes).
//
// Bounded (STYLE rule 4): past `capacity` open entries the oldest is dropped (spans that never
// end would otherwise fill the map), counted in `evicted` and reported through `onEvicted`; the
// spans under a dropped entry then inherit from nothing above it.

import type { Attribution, AttributionReader } from '../extract/index.js';

export class OpenSpanAttribution {
  private readonly open = new Map<string, Attribution>();
  private dropped = 0;

  constructor(
    private readonly reader: AttributionReader,
    private readonly capacity: number,
    private readonly onEvicted: () => void,
  ) {}

  /** Entries held (open spans with something to pass on). */
  get size(): number {
    return this.open.size;
  }

  /** Entries dropped by the capacity bound so far. */
  get evicted(): number {
    return this.dropped;
  }

  started(spanId: string, parentSpanId: string | undefined, attributes: Readonly<Record<string, unknown>>): void {
    const parent = parentSpanId === undefined || this.open.size === 0 ? undefined : this.open.get(parentSpanId);
    const entry = this.reader.merge(this.reader.read(attributes), parent);
    if (entry === undefined) return;
    if (this.open.size >= this.capacity) {
      this.open.delete(this.open.keys().next().value as string);
      this.dropped++;
      this.onEvicted();
    }
    this.open.set(spanId, entry);
  }

  /** At the span's end: what it inherited with its own values at start, if anything; the entry is dropped. */
  ended(spanId: string): Attribution | undefined {
    if (this.open.size === 0) return undefined;
    const entry = this.open.get(spanId);
    if (entry !== undefined) this.open.delete(spanId);
    return entry;
  }
}
