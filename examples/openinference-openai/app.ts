// openai + @arizeai/openinference-instrumentation-openai. OpenInference offers
// manuallyInstrument(), which patches the ESM module the app imports.
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { startExample, type Example } from '../shared/harness.js';
import { runOpenAiCalls } from '../shared/openai-calls.js';

export const SERVICE_NAME = 'support-bot-openinference';

export async function runExample(): Promise<Example> {
  const instrumentation = new OpenAIInstrumentation();
  const example = await startExample({ serviceName: SERVICE_NAME, instrumentations: [instrumentation] });
  // The default export is the OpenAI class, which also carries itself as `.OpenAI`: the
  // shape manuallyInstrument() patches.
  const { default: OpenAI } = await import('openai');
  instrumentation.manuallyInstrument(OpenAI);
  const client = new OpenAI({ apiKey: 'sk-mock', baseURL: example.mock.openAiBaseUrl });
  await runOpenAiCalls(client);
  return example;
}
