// Anthropic Messages API against the mock, traced three ways:
//  - 'sdk': the tracing built into @anthropic-ai/sdk (1.x emits gen_ai.* spans itself);
//  - 'openinference': @arizeai/openinference-instrumentation-anthropic, SDK tracing off;
//  - 'both': the two at once (one call -> an OpenInference span and an SDK span under it).
// Each mode also runs two Vercel AI SDK calls through @ai-sdk/anthropic. Anthropic reports
// input_tokens WITHOUT the cache; every library here turns it into an inclusive count.
import { createAnthropic } from '@ai-sdk/anthropic';
import { AnthropicInstrumentation } from '@arizeai/openinference-instrumentation-anthropic';
import { generateText } from 'ai';
import { startExample, type Example } from '../shared/harness.js';
import { runAnthropicCalls } from '../shared/anthropic-calls.js';
import { QUESTIONS, SYSTEM_PROMPT } from '../shared/prompts.js';

export const SERVICE_NAME = 'support-bot-anthropic';

export type AnthropicTracing = 'sdk' | 'openinference' | 'both';

export async function runExample(tracing: AnthropicTracing = 'sdk'): Promise<Example> {
  const instrumentation = tracing === 'sdk' ? undefined : new AnthropicInstrumentation();
  const example = await startExample({ serviceName: SERVICE_NAME, instrumentations: instrumentation ? [instrumentation] : [] });
  const { default: Anthropic } = await import('@anthropic-ai/sdk');
  instrumentation?.manuallyInstrument(Anthropic);
  const client = new Anthropic({
    apiKey: 'sk-ant-mock',
    baseURL: example.mock.url,
    openTelemetry: tracing === 'openinference' ? false : { tracerProvider: example.tracerProvider },
    logLevel: 'error',
  });
  await runAnthropicCalls(client);

  // The Vercel AI SDK emits its own spans; it does not go through @anthropic-ai/sdk.
  const anthropic = createAnthropic({ apiKey: 'sk-ant-mock', baseURL: example.mock.openAiBaseUrl });
  const tracer = example.tracerProvider.getTracer('support-bot');
  for (const question of QUESTIONS.slice(0, 2)) {
    await generateText({
      model: anthropic('claude-haiku-4-5'),
      // Anthropic cache control is set per message, so the system prompt goes in `messages`.
      allowSystemInMessages: true,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT, providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } } },
        { role: 'user', content: question },
      ],
      experimental_telemetry: { isEnabled: true, functionId: 'answer', tracer },
    });
  }
  return example;
}
