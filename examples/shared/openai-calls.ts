// The calls both OpenAI-client examples make (contrib and OpenInference instrumentation):
// two chats sharing a cached system prompt, a streamed chat with usage, a reasoning model
// (plain and streamed), one Responses API call and one embeddings batch.
import type OpenAI from 'openai';
import type * as OpenAiNamespace from 'openai';
import { QUESTIONS, SYSTEM_PROMPT } from './prompts.js';

export type OpenAiModule = typeof OpenAiNamespace;

export async function runOpenAiCalls(client: OpenAI): Promise<void> {
  const chat = (model: string, question: string) =>
    client.chat.completions.create({
      model,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: question },
      ],
    });

  await chat('gpt-4o-mini', QUESTIONS[0] as string);
  await chat('gpt-4o-mini', QUESTIONS[1] as string);

  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: QUESTIONS[2] as string },
    ],
  });
  for await (const chunk of stream) void chunk;

  await chat('o4-mini', QUESTIONS[0] as string);
  const reasoningStream = await client.chat.completions.create({
    model: 'o4-mini',
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: QUESTIONS[1] as string },
    ],
  });
  for await (const chunk of reasoningStream) void chunk;

  await client.responses.create({ model: 'gpt-5-mini', instructions: SYSTEM_PROMPT, input: QUESTIONS[2] as string });

  await client.embeddings.create({ model: 'text-embedding-3-small', input: QUESTIONS });
}
