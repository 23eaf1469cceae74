// The order in which decideBatch decides the spans of one OTLP batch: every span after its
// in-batch children (Kahn's algorithm over parent links); ties and anything left by cycles go
// by end time.

export interface OrderedSpan {
  spanId: string;
  parentSpanId: string | undefined;
  endTimeMs: number;
}

export interface ChildrenFirstOrder {
  /** Span positions, children before parents. */
  order: Int32Array;
  /**
   * Position of each span's parent in the batch, -1 when it is not in the batch. undefined
   * when two spans of the batch share a span id (parent links are then ambiguous).
   */
  parentIndex: Int32Array | undefined;
}

/**
 * The spans of a batch by span id, as a decoder that keyed them while reading can hand it
 * over (so the batch is not keyed twice). Must describe exactly the spans it comes with.
 */
export interface SpanIndex {
  /** Each span id -> the position of the first span with it. */
  readonly firstById: ReadonlyMap<string, number>;
  /** No two spans share a span id. */
  readonly unique: boolean;
}

export function spanIndexOf(spans: ReadonlyArray<OrderedSpan>): SpanIndex {
  // Backwards, so that a span id held twice maps to its first span.
  const firstById = new Map<string, number>();
  for (let i = spans.length - 1; i >= 0; i--) firstById.set(spans[i]!.spanId, i);
  return { firstById, unique: firstById.size === spans.length };
}

export function childrenFirstOrder(spans: ReadonlyArray<OrderedSpan>, index: SpanIndex = spanIndexOf(spans)): ChildrenFirstOrder {
  const n = spans.length;
  const indexById = index.firstById;
  const uniqueIds = index.unique;
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

  // Spans are appended as they become ready, so the queue is the order itself.
  const order = new Int32Array(n);
  let ready = 0;
  for (let i = 0; i < n; i++) if (pendingChildren[i] === 0) order[ready++] = i;
  sortByEnd(order, 0, ready, spans);
  for (let k = 0; k < ready; k++) {
    const p = parentIndex[order[k]!]!;
    if (p >= 0 && --pendingChildren[p]! === 0) order[ready++] = p;
  }
  if (ready < n) {
    // Cycles: their spans never became ready.
    const start = ready;
    for (let i = 0; i < n; i++) if (pendingChildren[i]! > 0) order[ready++] = i;
    sortByEnd(order, start, ready, spans);
  }
  return { order, parentIndex: uniqueIds ? parentIndex : undefined };
}

/**
 * Sorts order[from, to) by end time, stably. Exporters send spans nearly in end order (the
 * SDK's clock makes neighbours swap), so an insertion sort does it in about one pass; past a
 * budget of moves (far from sorted) the rest goes to the library sort. Both are stable, so
 * the result is the same either way.
 */
function sortByEnd(order: Int32Array, from: number, to: number, spans: ReadonlyArray<OrderedSpan>): void {
  let budget = 8 * (to - from);
  for (let k = from + 1; k < to; k++) {
    const item = order[k]!;
    const end = spans[item]!.endTimeMs;
    let j = k - 1;
    while (j >= from && spans[order[j]!]!.endTimeMs > end) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = item;
    budget -= k - 1 - j;
    if (budget < 0) {
      order.subarray(from, to).sort((x, y) => spans[x]!.endTimeMs - spans[y]!.endTimeMs);
      return;
    }
  }
}
