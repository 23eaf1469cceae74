// Stage 2: which extracted calls to count (deepest wins, wrappers only as a last resort),
// in end order (decide / passThrough) or per OTLP batch in any order (decideBatch).
export { Deduper, Verdict } from './deduper.js';
export type { DeduperOptions, DedupeSpan, DedupeBatchSpan } from './deduper.js';
export type { SpanIndex } from './children-first-order.js';
