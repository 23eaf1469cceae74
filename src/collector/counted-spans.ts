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

interface Counted extends CountedOutcome {
  traceId: string;
}

// Keyed by span id alone (see BatchBuilder): two traces sharing a span id is a 2^-64 event,
// and then the older entry is simply forgotten (that span could be counted once more).
export class CountedSpans {
  private young = new Map<string, Counted>();
  private old = new Map<string, Counted>();
  private readonly generationSize: number;

  /** capacity: the most span ids held at once; at least 2. */
  constructor(capacity: number) {
    this.generationSize = Math.max(1, Math.floor(capacity / 2));
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(traceId: string, spanId: string): CountedOutcome | undefined {
    const hit = this.young.get(spanId) ?? (this.old.size > 0 ? this.old.get(spanId) : undefined);
    return hit !== undefined && hit.traceId === traceId ? hit : undefined;
  }

  add(traceId: string, spanId: string, outcome: CountedOutcome): void {
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(spanId, { traceId, priced: outcome.priced, costUsd: outcome.costUsd });
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
      if (counted.get(spans[i]!.traceId, spans[i]!.spanId) !== undefined) (repeats ??= new Set()).add(i);
    }
  }
  const fresh = repeats === undefined ? spans : spans.filter((_, i) => !repeats.has(i));
  const freshResults: (PricedCall | undefined)[] = sink.handleBatch(fresh);
  for (let i = 0; i < fresh.length; i++) {
    const r = freshResults[i];
    if (r !== undefined) counted.add(fresh[i]!.traceId, fresh[i]!.spanId, { priced: r.priced, costUsd: r.costUsd });
  }
  if (repeats === undefined) return freshResults;
  const out: (CountedOutcome | undefined)[] = new Array(spans.length);
  for (let i = 0, j = 0; i < spans.length; i++) {
    out[i] = repeats.has(i) ? counted.get(spans[i]!.traceId, spans[i]!.spanId) : freshResults[j++];
  }
  return out;
}

