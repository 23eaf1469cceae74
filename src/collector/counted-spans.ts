// Memory of spans the collector already counted, so an exporter that re-sends a batch
// (e.g. after a timeout on its side) is not billed twice. Bounded: two generations of Map,
// the older one dropped whole when the younger fills.
import type { PricedCall, SpanInput } from '../types.js';

/** What forwarding needs to re-annotate a re-sent span. */
export interface CountedOutcome {
  priced: boolean;
  costUsd: number | undefined;
}

/** What countOnce needs from the pipeline (CostPipeline provides it). */
export interface BatchSink {
  handleBatch(spans: readonly SpanInput[]): (PricedCall | undefined)[];
  countInvalid(reason: string, n: number): void;
}

export class CountedSpans {
  private young = new Map<string, CountedOutcome>();
  private old = new Map<string, CountedOutcome>();
  private readonly generationSize: number;

  /** capacity: the most span ids held at once; at least 2. */
  constructor(capacity: number) {
    this.generationSize = Math.max(1, Math.floor(capacity / 2));
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: string): CountedOutcome | undefined {
    return this.young.get(key) ?? (this.old.size > 0 ? this.old.get(key) : undefined);
  }

  add(key: string, outcome: CountedOutcome): void {
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, outcome);
  }
}

/**
 * Runs the batch through the pipeline, leaving out spans already counted in an earlier
 * request (their earlier outcome is returned for annotation, and nothing is counted again).
 */
export function countOnce(sink: BatchSink, counted: CountedSpans, spans: readonly SpanInput[]): (CountedOutcome | undefined)[] {
  let repeats: Set<number> | undefined;
  if (counted.size > 0) {
    for (let i = 0; i < spans.length; i++) {
      if (counted.get(spans[i]!.traceId + spans[i]!.spanId) !== undefined) (repeats ??= new Set()).add(i);
    }
  }
  const fresh = repeats === undefined ? spans : spans.filter((_, i) => !repeats.has(i));
  const freshResults: (PricedCall | undefined)[] = sink.handleBatch(fresh);
  for (let i = 0; i < fresh.length; i++) {
    const r = freshResults[i];
    if (r !== undefined) counted.add(fresh[i]!.traceId + fresh[i]!.spanId, { priced: r.priced, costUsd: r.costUsd });
  }
  if (repeats === undefined) return freshResults;
  const out: (CountedOutcome | undefined)[] = new Array(spans.length);
  for (let i = 0, j = 0; i < spans.length; i++) {
    out[i] = repeats.has(i) ? counted.get(spans[i]!.traceId + spans[i]!.spanId) : freshResults[j++];
  }
  return out;
}

