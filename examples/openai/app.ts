// openai + @opentelemetry/instrumentation-openai (the OpenTelemetry contrib instrumentation).
// The instrumentation hooks `require('openai')`, so the app loads the client through
// createRequire after registering it.
import { createRequire } from 'node:module';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { startExample, type Example } from '../shared/harness.js';
import { runOpenAiCalls, type OpenAiModule } from '../shared/openai-calls.js';

export const SERVICE_NAME = 'support-bot-otel-openai';

export async function runExample(): Promise<Example> {
  const example = await startExample({ serviceName: SERVICE_NAME, instrumentations: [new OpenAIInstrumentation()] });
  const { OpenAI } = createRequire(import.meta.url)('openai') as OpenAiModule;
  const client = new OpenAI({ apiKey: 'sk-mock', baseURL: example.mock.openAiBaseUrl });
  await runOpenAiCalls(client);
  // A rate-limited call (no retries): the span ends with an error and no usage.
  await client.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello?' }] }, { headers: { 'x-mock-error': '429' }, maxRetries: 0 })
    .catch((err: unknown) => console.log(`rate-limited call failed as expected: ${String(err)}`));
  return example;
}
