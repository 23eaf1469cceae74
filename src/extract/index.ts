export { Extractor } from './extractor.js';
export type { ExtractorOptions } from './extractor.js';
export { normalizeProvider } from './providers.js';
export { EMITTER_RULES, ruleFor } from './emitter-rules.js';
export type { EmitterRule, Inclusion } from './emitter-rules.js';
