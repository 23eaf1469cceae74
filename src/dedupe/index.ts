export { Deduper } from './deduper.js';
export type { DeduperOptions, DedupeSpan, DedupeBatchItem } from './deduper.js';
