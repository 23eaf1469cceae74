// Stage 2: which extracted calls to count (deepest wins, wrappers only as a last resort),
// in end order (decide / passThrough) or per OTLP batch in any order (decideBatch).
export { Deduper, Verdict } from './deduper.js';
export type { DeduperOptions, DedupeSpan, DedupeBatchSpan } from './deduper.js';
export type { SpanIndex } from './children-first-order.js';
export { spanIndexOf } from './children-first-order.js';
export { HELD_EARLY, HeldCalls, MAX_HOLD_MS } from './held-calls.js';
export type { EarlyReason, HeldCallsOptions } from './held-calls.js';
export { keepRicherCopies, richerCopy, richness } from './richness.js';
