// Stage 2 of the pipeline: which extracted calls to count so that nothing is counted twice
// (DESIGN.md, "Which spans count"). The deepest counted span wins: a counted span marks its
// parent, a marked span passes the mark on to its own parent as it ends, and a marked call
// or wrapper is not counted. Marks live in a bounded id set that survives OTLP batches.

import { ConfigError } from '../config-error.js';
import type { LlmCall } from '../types.js';
import { BoundedIdSet } from './bounded-id-set.js';
import { UnnestedCopies } from './unnested-copies.js';

export interface DeduperOptions {
  /**
   * How many span ids each memory holds at most (LRU, two generations): the marks left by
   * counted descendants, and the ids of counted spans. Default: 100_000.
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
  endTimeMs: number;
}

const DEFAULT_CAPACITY = 100_000;

export class Deduper {
  private readonly marks: BoundedIdSet;
  /** Ids of counted spans, so that a child ending after its counted parent is not counted again. */
  private readonly countedIds: BoundedIdSet;
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
    this.countedIds = new BoundedIdSet(capacity);
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
    let counted = call !== undefined && !marked;
    // A copy of a counted call is not counted, but marks its ancestors as if it were.
    let copy = false;
    // Deepest wins, but a parent that ended first was counted before this child could mark
    // it (in-process, e.g. an OpenInference span around the Anthropic SDK's own span): the
    // child is the same call, already counted once.
    if (counted && span.parentSpanId !== undefined && this.countedIds.has(span.parentSpanId)) {
      copy = true;
      counted = false;
    }
    if (counted && this.copies !== undefined && call?.role === 'call') {
      copy = this.copies.claim(call, span.scopeName);
      if (copy) counted = false;
      else this.copies.remember(call, span.scopeName);
    }
    if ((counted || marked || copy) && span.parentSpanId !== undefined) this.marks.add(span.parentSpanId);
    if (counted) this.countedIds.add(span.spanId);
    return counted;
  }

  /** For spans that are not candidates at all: only passes a mark on to the parent. */
  passThrough(spanId: string, parentSpanId: string | undefined): void {
    if (this.marks.size === 0) return;
    if (this.marks.take(spanId) && parentSpanId !== undefined) this.marks.add(parentSpanId);
  }

  /**
   * One OTLP batch in any order (collector). Within the batch every span is decided after
   * all of its in-batch children; marks persist to later batches. Decisions align with spans.
   */
  decideBatch(spans: ReadonlyArray<DedupeBatchSpan>, calls: ReadonlyArray<LlmCall | undefined>): boolean[] {
    const decisions = new Array<boolean>(spans.length).fill(false);
    // Without candidates or marks nothing can be counted or passed on: order does not matter.
    if (this.marks.size === 0 && !calls.some((c) => c !== undefined)) return decisions;
    for (const index of childrenFirstOrder(spans)) {
      const span = spans[index]!;
      const call = calls[index];
      if (call === undefined) this.passThrough(span.spanId, span.parentSpanId);
      else decisions[index] = this.decide(span, call);
    }
    return decisions;
  }
}

/**
 * Indexes of spans such that every span comes after its in-batch children (Kahn's algorithm
 * over parent links); ties and anything left by cycles or duplicate ids go by end time.
 */
function childrenFirstOrder(spans: ReadonlyArray<DedupeBatchSpan>): number[] {
  const n = spans.length;
  const indexById = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const id = spans[i]!.spanId;
    if (!indexById.has(id)) indexById.set(id, i);
  }
  const parentIndex = new Int32Array(n).fill(-1);
  const pendingChildren = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const parentId = spans[i]!.parentSpanId;
    const p = parentId === undefined ? undefined : indexById.get(parentId);
    if (p !== undefined && p !== i) {
      parentIndex[i] = p;
      pendingChildren[p]!++;
    }
  }
  const byEnd = (x: number, y: number): number => spans[x]!.endTimeMs - spans[y]!.endTimeMs;
  const ready: number[] = [];
  for (let i = 0; i < n; i++) if (pendingChildren[i] === 0) ready.push(i);
  ready.sort(byEnd);

  const order: number[] = [];
  const done = new Uint8Array(n);
  for (let k = 0; k < ready.length; k++) {
    const i = ready[k]!;
    order.push(i);
    done[i] = 1;
    const p = parentIndex[i]!;
    if (p >= 0 && --pendingChildren[p]! === 0) ready.push(p);
  }
  if (order.length < n) {
    const rest: number[] = [];
    for (let i = 0; i < n; i++) if (done[i] === 0) rest.push(i);
    rest.sort(byEnd);
    order.push(...rest);
  }
  return order;
}
