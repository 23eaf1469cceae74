// Loaded before the app: `node --import ./instrumentation.mjs app.mjs`.
// An ESM app's imports are resolved before any of its code runs, so an instrumentation set
// up inside app.mjs would come too late to patch `openai`. Loading this file first, with the
// loader hook registered, lets OpenAIInstrumentation patch the `import OpenAI from 'openai'`
// that app.mjs does.
import { register } from 'node:module';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { LlmCostSpanProcessor, llmCostViews } from 'otel-llm-cost';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

export const costs = new LlmCostSpanProcessor();
export const metricsExporter = new PrometheusExporter({ preventServerStart: true });
export const sdk = new NodeSDK({
  serviceName: 'esm-import-example',
  spanProcessors: [costs],
  metricReaders: [metricsExporter],
  views: llmCostViews(),
  instrumentations: [new OpenAIInstrumentation()],
});
sdk.start();
