// The mock LLM's wire format and its documented usage rules, on fixed requests whose
// token counts are worked out by hand in the comments.
/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is read field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockLlm, type MockLlmServer } from '../../examples/mock-llm/server.js';

let mock: MockLlmServer;
beforeAll(async () => {
  mock = await startMockLlm();
});
afterAll(async () => {
  await mock.close();
});

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function sseData(text: string): unknown[] {
  return text
    .split('\n\n')
    .map((block) => block.split('\n').find((line) => line.startsWith('data: '))?.slice(6))
    .filter((d): d is string => d !== undefined && d !== '[DONE]')
    .map((d) => JSON.parse(d) as unknown);
}

// system: 4 framing + 4096/4 = 1028 tokens; user "Hello there": 4 + ceil(11/4) = 7; total 1035.
// The system message is the cacheable prefix: floor(1028/128)*128 = 1024 tokens.
// Reply 'Mock answer to "Hello there".' is 29 bytes = 8 tokens.
const SYSTEM = 'x'.repeat(4096);
const chatBody = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: 'Hello there' },
  ],
  ...extra,
});

describe('mock LLM: OpenAI chat completions', () => {
  it('reports inclusive prompt tokens, a cache read on the second identical prefix, and the snapshot model', async () => {
    const first = (await (await post('/v1/chat/completions', chatBody('gpt-4o-mini'))).json()) as Record<string, any>;
    const second = (await (await post('/v1/chat/completions', chatBody('gpt-4o-mini'))).json()) as Record<string, any>;
    expect(first.model).toBe('gpt-4o-mini-2024-07-18');
    expect(first.choices[0].message.content).toBe('Mock answer to "Hello there".');
    expect(first.usage).toEqual({
      prompt_tokens: 1035,
      completion_tokens: 8,
      total_tokens: 1043,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
    expect(second.usage.prompt_tokens_details.cached_tokens).toBe(1024);
    expect(second.usage.prompt_tokens).toBe(1035);
  });

  it('adds 64 * (1 + input % 4) reasoning tokens for reasoning models, inside completion_tokens', async () => {
    const body = (await (await post('/v1/chat/completions', chatBody('o4-mini'))).json()) as Record<string, any>;
    // 1035 % 4 = 3 -> 256 reasoning tokens; 8 visible.
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBe(256);
    expect(body.usage.completion_tokens).toBe(264);
    expect(body.model).toBe('o4-mini-2025-04-16');
  });

  it('streams deltas and, with include_usage, a final usage chunk with empty choices', async () => {
    const withUsage = sseData(await (await post('/v1/chat/completions', chatBody('gpt-4.1-mini', { stream: true, stream_options: { include_usage: true } }))).text()) as any[];
    const text = withUsage.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe('Mock answer to "Hello there".');
    const last = withUsage[withUsage.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage.prompt_tokens).toBe(1035);
    expect(last.usage.prompt_tokens_details.cached_tokens).toBe(0);
    const without = sseData(await (await post('/v1/chat/completions', chatBody('gpt-4.1-mini', { stream: true }))).text()) as any[];
    expect(without.some((c) => c.usage !== undefined)).toBe(false);
  });

  it('answers a request offering tools with a tool call, and the follow-up with text', async () => {
    const tools = [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
    const body = (await (await post('/v1/chat/completions', chatBody('gpt-4o-mini', { tools }))).json()) as Record<string, any>;
    const call = body.choices[0].message.tool_calls[0];
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    expect(call.function).toEqual({ name: 'weather', arguments: '{"city":"Paris"}' });
    const followUp = chatBody('gpt-4o-mini', { tools });
    followUp.messages.push({ role: 'assistant', content: null, tool_calls: [call] } as never, { role: 'tool', tool_call_id: call.id, content: 'sunny' } as never);
    const answer = (await (await post('/v1/chat/completions', followUp)).json()) as Record<string, any>;
    expect(answer.choices[0].message.content).toBe('Mock answer to "Hello there". The tool said: sunny');
  });
});

describe('mock LLM: responses, embeddings, anthropic messages', () => {
  it('responses API: instructions are the cacheable prefix, reasoning item and usage details', async () => {
    const body = (await (await post('/v1/responses', { model: 'gpt-5-mini', instructions: SYSTEM, input: 'Hello there' })).json()) as Record<string, any>;
    expect(body.output.map((o: { type: string }) => o.type)).toEqual(['reasoning', 'message']);
    expect(body.usage).toEqual({
      input_tokens: 1035,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 264,
      output_tokens_details: { reasoning_tokens: 256 },
      total_tokens: 1299,
    });
  });

  it('responses API streamed: text deltas, then response.completed carrying the usage', async () => {
    const events = sseData(await (await post('/v1/responses', { model: 'gpt-4.1-mini', input: 'Hello there', stream: true })).text()) as any[];
    expect(events[0].type).toBe('response.created');
    expect(events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('')).toBe('Mock answer to "Hello there".');
    const done = events[events.length - 1];
    expect(done.type).toBe('response.completed');
    // "Hello there" alone: 4 + 3 = 7 tokens, below the cacheable size; no reasoning on gpt-4.1-mini.
    expect(done.response.usage).toEqual({
      input_tokens: 7,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 8,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 15,
    });
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  });

  it('embeddings: tokens of each input plus one', async () => {
    const body = (await (await post('/v1/embeddings', { model: 'text-embedding-3-small', input: ['abcd', 'abcdefgh'] })).json()) as Record<string, any>;
    expect(body.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
    expect(body.data).toHaveLength(2);
  });

  it('anthropic messages: input_tokens excludes the cache; first call writes, second reads', async () => {
    // system 4400 bytes = 1100 tokens, marked with cache_control; user "Hi": 4 + 1 = 5.
    const request = {
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      system: [{ type: 'text', text: 'y'.repeat(4400), cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'Hi' }],
    };
    const first = (await (await post('/v1/messages', request)).json()) as Record<string, any>;
    expect(first.model).toBe('claude-sonnet-4-5-20250929');
    expect(first.usage).toEqual({ input_tokens: 5, cache_creation_input_tokens: 1100, cache_read_input_tokens: 0, output_tokens: 5 });
    const events = sseData(await (await post('/v1/messages', { ...request, stream: true })).text()) as any[];
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0].message.usage).toEqual({ input_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 1100, output_tokens: 1 });
    expect(events[5].usage).toEqual({ output_tokens: 5 });
  });

  it('answers with the status a request asks for in x-mock-error, outside the call log', async () => {
    const before = mock.calls.length;
    const res = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mock-error': '429' },
      body: JSON.stringify(chatBody('gpt-4o-mini')),
    });
    expect(res.status).toBe(429);
    expect(((await res.json()) as any).error.type).toBe('rate_limit_exceeded');
    expect(mock.calls.length).toBe(before);
    expect(mock.errors).toEqual([{ path: '/v1/chat/completions', status: 429, model: 'gpt-4o-mini' }]);
  });

  it('logs every call with the usage it reported (inclusive totals)', () => {
    const anthropic = mock.calls.filter((c) => c.api === 'messages');
    expect(anthropic.map((c) => c.usage)).toEqual([
      { inputTokens: 1105, cacheReadTokens: 0, cacheWriteTokens: 1100, outputTokens: 5, reasoningTokens: 0 },
      { inputTokens: 1105, cacheReadTokens: 1100, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 },
    ]);
    expect(mock.calls.map((c) => c.index)).toEqual(mock.calls.map((_, i) => i));
  });
});
