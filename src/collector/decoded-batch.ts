// What either OTLP decoder (protobuf or JSON) produces from one ExportTraceServiceRequest.
import type { SpanIndex } from '../dedupe/index.js';
import type { SpanInput } from '../types.js';

/** Why a span of an otherwise well-formed request was unusable (the `reason` label). */
export type SpanRejectReason = 'invalid_trace_id' | 'invalid_span_id' | 'invalid_parent_span_id' | 'duplicate_span';

export interface DecodedBatch {
  /** The usable spans, in request order. */
  spans: SpanInput[];
  /** For each usable span, its 0-based position among ALL spans of the request (for forwarding). */
  ordinals: number[];
  /** Every span in the request, usable or not. */
  totalSpans: number;
  /** Spans left out of `spans`, by reason. */
  rejected: Partial<Record<SpanRejectReason, number>>;
  rejectedCount: number;
  /** `spans` by span id, for the dedupe stage (keyed once, while checking for duplicates). */
  index: SpanIndex;
}

/** Nesting cut-off of AnyValue arrays / kvlists; deeper values are dropped, not errors. */
export const MAX_VALUE_DEPTH = 8;

const REJECT_TEXT: Record<SpanRejectReason, string> = {
  invalid_trace_id: 'trace_id must be 16 bytes and not all zero',
  invalid_span_id: 'span_id must be 8 bytes and not all zero',
  invalid_parent_span_id: 'parent_span_id must be empty or 8 bytes',
  duplicate_span: 'the same span appeared twice in one request',
};

/** The partial_success.error_message for a batch with rejected spans. */
export function rejectMessage(batch: DecodedBatch): string {
  const parts: string[] = [];
  for (const [reason, n] of Object.entries(batch.rejected) as [SpanRejectReason, number][]) {
    parts.push(`${n} span(s) rejected: ${REJECT_TEXT[reason]}`);
  }
  return parts.join('; ');
}

/** Tracks per-request bookkeeping shared by both decoders. */
export class BatchBuilder {
  // Keyed by the span id alone (a flat string whose hash V8 caches) rather than a concatenated
  // trace+span key built and hashed per span: spanId -> position of its first span.
  private readonly firstById = new Map<string, number>();
  /** spanId -> positions of the later spans with it (other traces): rare. */
  private readonly laterById = new Map<string, number[]>();
  readonly batch: DecodedBatch = {
    spans: [],
    ordinals: [],
    totalSpans: 0,
    rejected: {},
    rejectedCount: 0,
    index: { firstById: this.firstById, unique: true },
  };

  reject(reason: SpanRejectReason): void {
    this.batch.totalSpans++;
    this.batch.rejected[reason] = (this.batch.rejected[reason] ?? 0) + 1;
    this.batch.rejectedCount++;
  }

  accept(span: SpanInput): void {
    const spans = this.batch.spans;
    const first = this.firstById.get(span.spanId);
    if (first === undefined) {
      this.firstById.set(span.spanId, spans.length);
    } else {
      const later = this.laterById.get(span.spanId);
      if (spans[first]!.traceId === span.traceId || (later !== undefined && later.some((i) => spans[i]!.traceId === span.traceId))) {
        this.reject('duplicate_span');
        return;
      }
      if (later === undefined) this.laterById.set(span.spanId, [spans.length]);
      else later.push(spans.length);
      this.batch.index = { firstById: this.firstById, unique: false };
    }
    this.batch.ordinals.push(this.batch.totalSpans);
    this.batch.totalSpans++;
    this.batch.spans.push(span);
  }
}
