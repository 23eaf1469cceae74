// OpenAI-compatible endpoints: chat completions (plain and streamed), responses, embeddings.
import { decideReply, streamPieces, type Reply, type ToolSpec } from './reply.js';
import type { HandlerContext, MockCall, MockResponse, SseEvent } from './types.js';
import { snapshotOf } from './types.js';
import { contentText, messageTokens, openAiUsage, textTokens, toolsTokens, type MockUsage, type PrefixCache } from './usage.js';

type Json = Record<string, unknown>;
type Outcome = { call: Omit<MockCall, 'index'>; response: MockResponse };

function asMessages(value: unknown): Json[] {
  return Array.isArray(value) ? (value.filter((m) => m !== null && typeof m === 'object') as Json[]) : [];
}

function lastText(messages: Json[], role: string): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as Json;
    if (m.role === role) return contentText(m.content);
  }
  return undefined;
}

function chatTools(tools: unknown): ToolSpec[] {
  return asMessages(tools).map((t) => {
    const fn = (t.function ?? t) as Json;
    return { name: String(fn.name), parameters: fn.parameters };
  });
}

/** Tool result after the latest user message (an agent's second step). */
function toolResultAfterUser(messages: Json[], isToolResult: (m: Json) => boolean): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as Json;
    if (isToolResult(m)) return contentText(m.content ?? m.output);
    if (m.role === 'user') return undefined;
  }
  return undefined;
}

function chatUsageJson(u: MockUsage): Json {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cacheReadTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function replyText(reply: Reply): string {
  return reply.kind === 'text' ? reply.text : `${reply.name}(${reply.arguments})`;
}

export function chatCompletions(body: Json, ctx: HandlerContext, cache: PrefixCache): Outcome {
  const model = String(body.model);
  const messages = asMessages(body.messages);
  const tools = chatTools(body.tools);
  const inputTokens = messages.reduce((n, m) => n + messageTokens(m), 0) + toolsTokens(body.tools);
  const first = messages[0];
  const prefixTokens = first === undefined ? 0 : messageTokens(first);
  const reply = decideReply(lastText(messages, 'user') ?? '', toolResultAfterUser(messages, (m) => m.role === 'tool'), tools, ctx.index);
  const usage = openAiUsage(cache, model, inputTokens, first === undefined ? '' : contentText(first.content), prefixTokens, replyText(reply));
  const responseModel = snapshotOf(model);
  const id = `chatcmpl-mock-${ctx.index}`;
  const stream = body.stream === true;
  const call = { api: 'chat.completions', provider: 'openai', stream, requestModel: model, responseModel, usage, reply: reply.kind } as const;
  const finishReason = reply.kind === 'tool_call' ? 'tool_calls' : 'stop';
  const toolCalls = reply.kind === 'tool_call' ? [{ id: reply.id, type: 'function', function: { name: reply.name, arguments: reply.arguments } }] : undefined;

  if (!stream) {
    const message: Json = { role: 'assistant', content: reply.kind === 'text' ? reply.text : null, refusal: null };
    if (toolCalls) message.tool_calls = toolCalls;
    return {
      call,
      response: {
        json: {
          id,
          object: 'chat.completion',
          created: ctx.created,
          model: responseModel,
          choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
          usage: chatUsageJson(usage),
          service_tier: 'default',
          system_fingerprint: 'fp_mock',
        },
      },
    };
  }

  const chunk = (choices: unknown[], extra: Json = {}): SseEvent => ({
    data: { id, object: 'chat.completion.chunk', created: ctx.created, model: responseModel, system_fingerprint: 'fp_mock', choices, ...extra },
  });
  const events: SseEvent[] = [chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])];
  if (reply.kind === 'text') {
    for (const piece of streamPieces(reply.text)) events.push(chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]));
  } else {
    events.push(
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: reply.id, type: 'function', function: { name: reply.name, arguments: '' } }] }, finish_reason: null }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: reply.arguments } }] }, finish_reason: null }]),
    );
  }
  events.push(chunk([{ index: 0, delta: {}, finish_reason: finishReason }]));
  const options = body.stream_options as Json | undefined;
  if (options?.include_usage === true) events.push(chunk([], { usage: chatUsageJson(usage) }));
  events.push({ data: '[DONE]' });
  return { call, response: { events } };
}

function responsesInput(body: Json): Json[] {
  const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : asMessages(body.input);
  return typeof body.instructions === 'string' ? [{ role: 'system', content: body.instructions }, ...input] : input;
}

export function responses(body: Json, ctx: HandlerContext, cache: PrefixCache): Outcome {
  const model = String(body.model);
  const items = responsesInput(body);
  const tools = asMessages(body.tools).map((t) => ({ name: String(t.name), parameters: t.parameters }));
  const inputTokens = items.reduce((n, m) => n + messageTokens(m), 0) + toolsTokens(body.tools);
  const first = items[0];
  const prefixTokens = first === undefined ? 0 : messageTokens(first);
  const reply = decideReply(
    lastText(items, 'user') ?? '',
    toolResultAfterUser(items, (m) => m.type === 'function_call_output'),
    tools,
    ctx.index,
  );
  const usage = openAiUsage(cache, model, inputTokens, first === undefined ? '' : contentText(first.content), prefixTokens, replyText(reply));
  const responseModel = snapshotOf(model);
  const stream = body.stream === true;
  const id = `resp_mock_${ctx.index}`;
  const output: Json[] = [];
  if (usage.reasoningTokens > 0) output.push({ type: 'reasoning', id: `rs_mock_${ctx.index}`, summary: [] });
  const messageItem: Json =
    reply.kind === 'text'
      ? {
          type: 'message',
          id: `msg_mock_${ctx.index}`,
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: reply.text, annotations: [] }],
        }
      : { type: 'function_call', id: `fc_mock_${ctx.index}`, call_id: reply.id, name: reply.name, arguments: reply.arguments, status: 'completed' };
  output.push(messageItem);
  const response: Json = {
    id,
    object: 'response',
    created_at: ctx.created,
    status: 'completed',
    model: responseModel,
    output,
    usage: {
      input_tokens: usage.inputTokens,
      input_tokens_details: { cached_tokens: usage.cacheReadTokens },
      output_tokens: usage.outputTokens,
      output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
      total_tokens: usage.inputTokens + usage.outputTokens,
    },
  };
  const call = { api: 'responses', provider: 'openai', stream, requestModel: model, responseModel, usage, reply: reply.kind } as const;
  if (!stream) return { call, response: { json: response } };

  let seq = 0;
  const ev = (type: string, data: Json): SseEvent => ({ event: type, data: { type, sequence_number: seq++, ...data } });
  const events: SseEvent[] = [ev('response.created', { response: { ...response, status: 'in_progress', output: [], usage: null } })];
  if (reply.kind === 'text') {
    for (const piece of streamPieces(reply.text)) {
      events.push(ev('response.output_text.delta', { item_id: messageItem.id, output_index: output.length - 1, content_index: 0, delta: piece }));
    }
  }
  events.push(ev('response.completed', { response }));
  return { call, response: { events } };
}

export function embeddings(body: Json): Outcome {
  const model = String(body.model);
  const inputs = Array.isArray(body.input) ? body.input.map((x) => contentText(x)) : [contentText(body.input)];
  const tokens = inputs.reduce((n, text) => n + textTokens(text) + 1, 0);
  const usage: MockUsage = { inputTokens: tokens, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
  const dims = 8;
  const asBase64 = body.encoding_format === 'base64';
  const data = inputs.map((text, index) => {
    const vector = Array.from({ length: dims }, (_, d) => Number((((textTokens(text) + d) % 10) / 10).toFixed(1)));
    return {
      object: 'embedding',
      index,
      embedding: asBase64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
    };
  });
  return {
    call: { api: 'embeddings', provider: 'openai', stream: false, requestModel: model, responseModel: model, usage, reply: 'embedding' },
    response: { json: { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } } },
  };
}
