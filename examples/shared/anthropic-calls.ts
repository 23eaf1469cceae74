// The Anthropic calls: the system prompt marked with cache_control (first call writes the
// cache, later calls read it), a streamed call, and extended thinking (billed as output).
import type Anthropic from '@anthropic-ai/sdk';
import { QUESTIONS, SYSTEM_PROMPT } from './prompts.js';

const cachedSystem = [{ type: 'text' as const, text: SYSTEM_PROMPT, cache_control: { type: 'ephemeral' as const } }];

export async function runAnthropicCalls(client: Anthropic): Promise<void> {
  const ask = (model: string, question: string) =>
    client.messages.create({ model, max_tokens: 512, system: cachedSystem, messages: [{ role: 'user', content: question }] });

  await ask('claude-sonnet-4-6', QUESTIONS[0] as string);
  await ask('claude-sonnet-4-6', QUESTIONS[1] as string);

  const stream = await client.messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 512,
    stream: true,
    system: cachedSystem,
    messages: [{ role: 'user', content: QUESTIONS[2] as string }],
  });
  for await (const event of stream) void event;

  await client.messages.create({
    model: 'claude-haiku-4-5',
    max_tokens: 2048,
    thinking: { type: 'enabled', budget_tokens: 1024 },
    system: cachedSystem,
    messages: [{ role: 'user', content: QUESTIONS[0] as string }],
  });
}
