// The Vercel AI SDK app: generateText, streamText, and a two-step tool-calling agent run
// both with generateText and with streamText (streamed tool calls), all
// through the OpenAI-compatible provider pointed at the mock, with experimental_telemetry on.
import type { Tracer } from '@opentelemetry/api';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { QUESTIONS, SYSTEM_PROMPT } from './prompts.js';

export async function runVercelCalls(baseURL: string, tracer: Tracer): Promise<void> {
  const provider = createOpenAICompatible({ name: 'openai', baseURL, apiKey: 'sk-mock', includeUsage: true });
  const telemetry = (functionId: string) => ({ isEnabled: true, functionId, tracer, metadata: { sessionId: 'session-42', userId: 'user-7' } });

  await generateText({
    model: provider.chatModel('gpt-4o-mini'),
    system: SYSTEM_PROMPT,
    prompt: QUESTIONS[0] as string,
    experimental_telemetry: telemetry('answer'),
  });

  const streamed = streamText({
    model: provider.chatModel('gpt-4o-mini'),
    system: SYSTEM_PROMPT,
    prompt: QUESTIONS[1] as string,
    experimental_telemetry: telemetry('answer-stream'),
  });
  for await (const piece of streamed.textStream) void piece;

  const tools = {
    weather: tool({
      description: 'Weather forecast for a city',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => ({ city, forecast: 'sunny', highC: 24 }),
    }),
  };
  await generateText({
    model: provider.chatModel('o4-mini'),
    system: SYSTEM_PROMPT,
    prompt: QUESTIONS[2] as string,
    tools,
    stopWhen: stepCountIs(3),
    experimental_telemetry: telemetry('weather-agent'),
  });

  const agentStream = streamText({
    model: provider.chatModel('gpt-4.1-mini'),
    system: SYSTEM_PROMPT,
    prompt: QUESTIONS[2] as string,
    tools,
    stopWhen: stepCountIs(3),
    experimental_telemetry: telemetry('weather-agent-stream'),
  });
  for await (const piece of agentStream.textStream) void piece;
}
