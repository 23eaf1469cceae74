// The `otel-llm-cost/collector` subpath: run the OTLP receiver in your own process, as
// `otel-llm-cost serve` does.
export { startCollector } from './collector/index.js';
export type { RunningCollector, CollectorConfig } from './collector/index.js';
export type { ForwardConfig } from './collector/forwarder.js';
