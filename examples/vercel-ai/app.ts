// Vercel AI SDK with experimental_telemetry: the SDK emits its own spans (ai.* and gen_ai.*
// attributes) through the tracer it is given; no instrumentation package is needed.
import { startExample, type Example } from '../shared/harness.js';
import { runVercelCalls } from '../shared/vercel-calls.js';

export const SERVICE_NAME = 'support-bot-vercel-ai';

export async function runExample(): Promise<Example> {
  const example = await startExample({ serviceName: SERVICE_NAME, instrumentations: [] });
  await runVercelCalls(example.mock.openAiBaseUrl, example.tracerProvider.getTracer('support-bot'));
  return example;
}
