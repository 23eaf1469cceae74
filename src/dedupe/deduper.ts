// Stage 2 of the pipeline: which extracted calls to count so that nothing is counted twice
// (DESIGN.md, "Which spans count"). The deepest counted span wins: a counted span marks its
// parent, a marked span passes the mark on to its own parent as it ends, and a marked call
// or wrapper is not counted. Marks live in a bounded id set that survives OTLP batches.

import { ConfigError } from '../config-error.js';
import type { LlmCall } from '../types.js';
import { BoundedIdSet } from './bounded-id-set.js';
import { childrenFirstOrder } from './children-first-order.js';
import type { SpanIndex } from './children-first-order.js';
import { DecidedSpans } from './decided-spans.js';
import { UnnestedCopies } from './unnested-copies.js';

export interface DeduperOptions {
  /**
   * How many span ids each memory holds at most (LRU, two generations): the marks left by
   * counted descendants, and the ids of decided LLM spans. Default: 100_000.
   */
  capacity?: number;
  /**
   * Also count once a request that two instrumentations recorded as spans that are not nested
   * (OpenInference LangChain LLM span + OpenAI client span): same trace, different scope, a
   * shared model, one inside the other in time. The first to end is kept. Remembers up to
   * capacity / 10 traces. Default: false.
   */
  matchUnnestedCopies?: boolean;
}

export interface DedupeSpan {
  spanId: string;
  parentSpanId: string | undefined;
  /** Instrumentation scope name; only matchUnnestedCopies reads it (SpanInput carries it). */
  scopeName?: string | undefined;
}

/** A span of an OTLP batch, as decideBatch reads it. */
export interface DedupeBatchSpan extends DedupeSpan {
  traceId: string;
  endTimeMs: number;
}

/** decideBatch's verdict on one span. */
export const Verdict = {
  NotCounted: 0,
  Counted: 1,
  /** Re-sent (an exporter retry): counted when first received, not again. */
  CountedBefore: 2,
  /** Re-sent: decided, and not counted, when first received. */
  NotCountedBefore: 3,
} as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

const MARKED = 1;
const DECIDED = 2;
const DEFAULT_CAPACITY = 100_000;

export class Deduper {
  private readonly marks: BoundedIdSet;
  /**
   * LLM spans decided so far: a child ending after its counted parent is not counted again,
   * and a re-sent span (collector) keeps its first verdict. In-process only counted spans are
   * added (nothing is ever re-sent there).
   */
  private readonly decided: DecidedSpans;
  private readonly copies: UnnestedCopies | undefined;

  constructor(opts: DeduperOptions = {}) {
    const capacity = opts.capacity ?? DEFAULT_CAPACITY;
    if (!Number.isSafeInteger(capacity) || capacity < 2) {
      throw new ConfigError(
        'dedupeCapacity',
        `must be an integer >= 2, got ${String(capacity)}`,
        `set it to the number of span ids to remember, e.g. ${DEFAULT_CAPACITY}`,
      );
    }
    this.marks = new BoundedIdSet(capacity);
    this.decided = new DecidedSpans(capacity);
    this.copies = opts.matchUnnestedCopies === true ? new UnnestedCopies(Math.max(2, Math.floor(capacity / 10))) : undefined;
  }

  /** Span ids held. */
  get size(): number {
    return this.marks.size;
  }

  /** Span ids dropped by the capacity bound. */
  get evicted(): number {
    return this.marks.evicted;
  }

  /**
   * For every finished span in end order (in-process). call undefined => not countable.
   * Returns true when the call should be counted.
   */
  decide(span: DedupeSpan, call: LlmCall | undefined): boolean {
    const marked = this.marks.take(span.spanId);
    const parentId = span.parentSpanId;
    if (call === undefined) {
      if (marked && parentId !== undefined) this.marks.add(parentId);
      return false;
    }
    // Deepest wins, but a parent that ended first was counted before this child could mark
    // it (in-process, e.g. an OpenInference span around the Anthropic SDK's own span): the
    // child is the same call, already counted once.
    const counted =
      !marked &&
      !(parentId !== undefined && this.decided.counted(parentId, call.traceId) === true) &&
      !this.matchUnnestedCopy(call, span.scopeName);
    // Counted, marked or a copy: whatever is above this call is not counted.
    if (parentId !== undefined) this.marks.add(parentId);
    if (counted) this.decided.add(span.spanId, call.traceId, true);
    return counted;
  }

  /** For spans that are not candidates at all: only passes a mark on to the parent. */
  passThrough(spanId: string, parentSpanId: string | undefined): void {
    if (this.marks.size === 0) return;
    if (this.marks.take(spanId) && parentSpanId !== undefined) this.marks.add(parentSpanId);
  }

  /**
   * One OTLP batch in any order (collector). Within the batch every span is decided after
   * all of its in-batch children; marks persist to later batches. An LLM span decided in an
   * earlier batch (re-sent by an exporter) keeps its first verdict and takes no part again.
   * Verdicts align with spans. `index`: the spans by id, when the caller has it already.
   */
  decideBatch(spans: ReadonlyArray<DedupeBatchSpan>, calls: ReadonlyArray<LlmCall | undefined>, index?: SpanIndex): Uint8Array {
    const n = spans.length;
    const verdicts = new Uint8Array(n);
    let fresh = 0;
    for (let i = 0; i < n; i++) {
      if (calls[i] === undefined) continue;
      const before = this.decided.size === 0 ? undefined : this.decided.counted(spans[i]!.spanId, spans[i]!.traceId);
      if (before === undefined) fresh++;
      else verdicts[i] = before ? Verdict.CountedBefore : Verdict.NotCountedBefore;
    }
    // Without new candidates or marks nothing can be counted or passed on: order does not matter.
    if (fresh === 0 && this.marks.size === 0) return verdicts;

    const { order, parentIndex } = childrenFirstOrder(spans, index);
    // Per position: MARKED by an in-batch child (no global mark needed), DECIDED.
    const state = new Uint8Array(n);
    const markParent = (i: number): void => {
      const p = parentIndex === undefined ? -1 : parentIndex[i]!;
      if (p >= 0 && (state[p]! & DECIDED) === 0) state[p]! |= MARKED;
      else if (spans[i]!.parentSpanId !== undefined) this.marks.add(spans[i]!.parentSpanId!);
    };
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      state[i]! |= DECIDED;
      if (verdicts[i] !== Verdict.NotCounted) continue;
      const span = spans[i]!;
      const call = calls[i];
      const marked = (this.marks.size > 0 && this.marks.take(span.spanId)) || (state[i]! & MARKED) !== 0;
      if (call === undefined) {
        if (marked) markParent(i);
        continue;
      }
      const p = parentIndex === undefined ? -1 : parentIndex[i]!;
      // An in-batch parent decided already (cycles) or re-sent; else one from an earlier batch.
      const parentCounted =
        p >= 0
          ? verdicts[p] === Verdict.Counted || verdicts[p] === Verdict.CountedBefore
          : span.parentSpanId !== undefined && this.decided.counted(span.parentSpanId, span.traceId) === true;
      const counted = !marked && !parentCounted && !this.matchUnnestedCopy(call, span.scopeName);
      if (counted) verdicts[i] = Verdict.Counted;
      this.decided.add(span.spanId, span.traceId, counted);
      markParent(i);
    }
    return verdicts;
  }

  /**
   * true when `call` is a copy of a call another instrumentation recorded and that was
   * counted (it is then used up); otherwise remembers `call`, which is about to be counted.
   */
  private matchUnnestedCopy(call: LlmCall, scopeName: string | undefined): boolean {
    if (this.copies === undefined || call.role !== 'call') return false;
    if (this.copies.claim(call, scopeName)) return true;
    this.copies.remember(call, scopeName);
    return false;
  }
}
