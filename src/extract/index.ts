// Stage 1: finished span -> LlmCall | undefined. In-process, call isCandidate(span.attributes)
// first (about 20 ns on a plain HTTP span) and only build a SpanInput for extract() when it
// says true; send the others to Deduper.passThrough.
export { Extractor } from './extractor.js';
export type { ExtractorOptions } from './extractor.js';
export { normalizeProvider } from './providers.js';
export { ruleFor } from './emitter-rules.js';
export type { EmitterRule, Inclusion } from './emitter-rules.js';
export { AttributionReader } from './attribution.js';
export type { Attribution } from './attribution.js';
