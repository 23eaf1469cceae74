// Collector attribution: within one OTLP request, what each LLM span inherits from its
// ancestors that are in the same request (DESIGN.md, "Attribution"), from their final
// attributes. Ancestors in other requests are not at hand and give nothing.

import type { SpanIndex } from '../dedupe/index.js';
import type { Attribution, AttributionReader } from '../extract/index.js';
import type { SpanInput } from '../types.js';

const NOT_YET = null;

/**
 * Per span of the batch, what it inherits (its ancestors' values, nearest first; its own are
 * read by the extractor), for the spans `wanted` says; undefined elsewhere. Each ancestor is
 * read once however many spans sit under it. undefined when the batch has no parent links.
 */
export function inheritInBatch(
  spans: readonly SpanInput[],
  index: SpanIndex,
  reader: AttributionReader,
  wanted: (i: number) => boolean,
): Array<Attribution | undefined> | undefined {
  const n = spans.length;
  // passedOn[i]: what span i passes on (own over inherited); NOT_YET until computed.
  const passedOn = new Array<Attribution | undefined | typeof NOT_YET>(n).fill(NOT_YET);
  let out: Array<Attribution | undefined> | undefined;
  const path: number[] = [];
  const parentOf = (i: number): number => {
    const id = spans[i]!.parentSpanId;
    const p = id === undefined ? undefined : index.firstById.get(id);
    return p === undefined || p === i ? -1 : p;
  };
  for (let i = 0; i < n; i++) {
    const first = parentOf(i);
    if (first < 0 || !wanted(i)) continue;
    // Walk up to the first ancestor already computed (or the top), then compute down.
    let p = first;
    while (p >= 0 && passedOn[p] === NOT_YET && path.length <= n) {
      path.push(p);
      p = parentOf(p);
    }
    let above = p >= 0 && passedOn[p] !== NOT_YET ? (passedOn[p] as Attribution | undefined) : undefined;
    for (let k = path.length - 1; k >= 0; k--) {
      const at = path[k]!;
      // A cycle of parent links (garbage) revisits a span: keep its first value.
      if (passedOn[at] === NOT_YET) passedOn[at] = reader.merge(reader.read(spans[at]!.attributes), above);
      above = passedOn[at] as Attribution | undefined;
    }
    path.length = 0;
    const inherited = passedOn[first] as Attribution | undefined;
    if (inherited !== undefined) (out ??= new Array<Attribution | undefined>(n))[i] = inherited;
  }
  return out;
}
