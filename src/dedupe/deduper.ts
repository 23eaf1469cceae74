// Stage 2 of the pipeline: which extracted calls to count so that nothing is counted twice
// (DESIGN.md, "Which spans count"). The deepest counted span wins: a counted span marks its
// parent, a marked span passes the mark on to its own parent as it ends, and a marked call
// or wrapper is not counted. Marks live in a bounded id set that survives OTLP batches.

import { ConfigError } from '../config-error.js';
import type { LlmCall } from '../types.js';
import { BoundedIdSet } from './bounded-id-set.js';
import { childrenFirstOrder, spanIndexOf } from './children-first-order.js';
import type { SpanIndex } from './children-first-order.js';
import { DecidedSpans } from './decided-spans.js';
import { sharesModel } from './richness.js';
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
   * capacity / 10 traces. Which copy's counts are used is the caller's choice (richness.ts):
   * decide() and decideBatch() say which counted call a copy belongs to. Default: false.
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
/** decideBatch's copyOf: no counted call known (-1), or marked by more than one (-2). */
const NONE = -1;
const MANY = -2;

export class Deduper {
  private readonly marks: BoundedIdSet;
  /**
   * LLM spans decided so far: a child ending after its counted parent is not counted again,
   * and a re-sent span (collector) keeps its first verdict. In-process only counted spans are
   * added (nothing is ever re-sent there).
   */
  private readonly decided: DecidedSpans;
  private readonly copies: UnnestedCopies | undefined;
  private lastCopyOf: string | undefined;

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

  /** Counted calls remembered for a child ending after them or a copy (in-process), or decided (collector). */
  get remembered(): number {
    return this.decided.size;
  }

  /** Span ids dropped by the capacity bound. */
  get evicted(): number {
    return this.marks.evicted;
  }

  /**
   * After decide() returned false for a call: the span id of the counted call it is a copy of,
   * when that is known here (an unnested copy; a call under an LLM parent counted before it).
   * undefined otherwise, e.g. for a call marked by the calls under it (see HeldCalls).
   */
  get copyOf(): string | undefined {
    return this.lastCopyOf;
  }

  /**
   * For every finished span in end order (in-process). call undefined => not countable.
   * Returns true when the call should be counted. `copyMayFollow`: whether a span of the
   * call's trace that may be a copy of it is still open (HeldCalls knows). When none is, no
   * later span can be a copy or a child ending after it, so the call is not remembered: in an
   * app with one call at a time per trace both memories stay empty, where remembering every
   * counted call kept two maps of up to `capacity` entries hot on the span path.
   */
  decide(span: DedupeSpan, call: LlmCall | undefined, copyMayFollow = true): boolean {
    this.lastCopyOf = undefined;
    const marked = this.marks.take(span.spanId);
    const parentId = span.parentSpanId;
    if (call === undefined) {
      if (marked && parentId !== undefined) this.marks.add(parentId);
      return false;
    }
    // Deepest wins, but a parent that ended first was counted before this child could mark
    // it (in-process, e.g. an OpenInference span around the Anthropic SDK's own span): the
    // child is the same call, already counted once.
    let counted = false;
    if (marked) {
      // Not counted; which call under it counted is not known here.
    } else if (parentId !== undefined && this.decided.size > 0 && this.decided.counted(parentId, call.traceId) === true) {
      this.lastCopyOf = parentId;
    } else {
      this.lastCopyOf = this.matchUnnestedCopy(call, span.scopeName, copyMayFollow);
      counted = this.lastCopyOf === undefined;
    }
    // Counted, marked or a copy: whatever is above this call is not counted.
    if (parentId !== undefined) this.marks.add(parentId);
    if (counted && copyMayFollow) this.decided.add(span.spanId, call.traceId, true);
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
   * `copyOf`, when given (length n): for each call not counted as a copy of one counted call
   * of this batch, that call's position (an unnested copy; an LLM span above exactly one
   * counted call sharing its model); -1 for every other span.
   */
  decideBatch(
    spans: ReadonlyArray<DedupeBatchSpan>,
    calls: ReadonlyArray<LlmCall | undefined>,
    index?: SpanIndex,
    copyOf?: Int32Array,
  ): Uint8Array {
    const n = spans.length;
    const verdicts = new Uint8Array(n);
    let fresh = 0;
    for (let i = 0; i < n; i++) {
      if (calls[i] === undefined) continue;
      const before = this.decided.size === 0 ? undefined : this.decided.counted(spans[i]!.spanId, spans[i]!.traceId);
      if (before === undefined) fresh++;
      else verdicts[i] = before ? Verdict.CountedBefore : Verdict.NotCountedBefore;
    }
    copyOf?.fill(NONE);
    // Without new candidates or marks nothing can be counted or passed on: order does not matter.
    if (fresh === 0 && this.marks.size === 0) return verdicts;

    const byId = copyOf === undefined ? index : (index ?? spanIndexOf(spans));
    const { order, parentIndex } = childrenFirstOrder(spans, byId);
    // Per position: MARKED by an in-batch child (no global mark needed), DECIDED.
    const state = new Uint8Array(n);
    // With copyOf: per position, the one counted call under it (NONE, or MANY for several).
    const source = copyOf === undefined ? undefined : new Int32Array(n).fill(NONE);
    const markParent = (i: number, from: number): void => {
      const p = parentIndex === undefined ? -1 : parentIndex[i]!;
      if (p >= 0 && (state[p]! & DECIDED) === 0) {
        state[p]! |= MARKED;
        if (source !== undefined) source[p] = source[p] === NONE || source[p] === from ? from : MANY;
      } else if (spans[i]!.parentSpanId !== undefined) this.marks.add(spans[i]!.parentSpanId!);
    };
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      state[i]! |= DECIDED;
      if (verdicts[i] !== Verdict.NotCounted) continue;
      const span = spans[i]!;
      const call = calls[i];
      const marked = (this.marks.size > 0 && this.marks.take(span.spanId)) || (state[i]! & MARKED) !== 0;
      if (call === undefined) {
        if (marked) markParent(i, source === undefined ? NONE : source[i]!);
        continue;
      }
      const p = parentIndex === undefined ? -1 : parentIndex[i]!;
      // An in-batch parent decided already (cycles) or re-sent; else one from an earlier batch.
      const parentCounted =
        p >= 0
          ? verdicts[p] === Verdict.Counted || verdicts[p] === Verdict.CountedBefore
          : span.parentSpanId !== undefined && this.decided.counted(span.parentSpanId, span.traceId) === true;
      let counted = false;
      let of = NONE;
      if (marked) {
        // A call above exactly one counted call of this batch that shares its model is a copy of it.
        const s = source === undefined ? NONE : source[i]!;
        if (s >= 0 && call.role === 'call' && calls[s]!.role === 'call' && sharesModel(calls[s]!, call)) of = s;
      } else if (!parentCounted) {
        const copied = this.matchUnnestedCopy(call, span.scopeName, true);
        counted = copied === undefined;
        if (copied !== undefined && byId !== undefined) {
          const at = byId.firstById.get(copied);
          if (at !== undefined && verdicts[at] === Verdict.Counted) of = at;
        }
      }
      if (counted) verdicts[i] = Verdict.Counted;
      if (copyOf !== undefined && of !== NONE) copyOf[i] = of;
      this.decided.add(span.spanId, span.traceId, counted);
      // The one counted call this span stands for, passed up: itself, the call it copies, or its source.
      markParent(i, counted ? i : of !== NONE ? of : (source?.[i] ?? NONE));
    }
    return verdicts;
  }

  /**
   * decideBatch counted `countedSpanId` but the caller records its copy `keptSpanId` instead
   * (the richer one): a re-sent batch then gives the verdict "counted" to the copy kept.
   */
  recountAs(countedSpanId: string, keptSpanId: string, traceId: string): void {
    this.decided.add(countedSpanId, traceId, false);
    this.decided.add(keptSpanId, traceId, true);
  }

  /**
   * When `call` is a copy of a call another instrumentation recorded and that was counted: that
   * call's span id (it is then used up). Otherwise remembers `call`, which is about to be
   * counted, when a copy of it may still follow.
   */
  private matchUnnestedCopy(call: LlmCall, scopeName: string | undefined, copyMayFollow: boolean): string | undefined {
    if (this.copies === undefined || call.role !== 'call') return undefined;
    const copied = this.copies.claim(call, scopeName);
    if (copied === undefined && copyMayFollow) this.copies.remember(call, scopeName);
    return copied;
  }
}
