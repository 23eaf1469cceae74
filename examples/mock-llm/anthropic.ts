// Anthropic-compatible /v1/messages (plain and streamed). Anthropic reports
// input_tokens EXCLUDING cache reads and writes; the mock does the same.
import { decideReply, streamPieces } from './reply.js';
import type { HandlerContext, MockCall, MockResponse, SseEvent } from './types.js';
import { snapshotOf } from './types.js';
import { contentText, reasoningTokensFor, textTokens, type MockUsage, type PrefixCache } from './usage.js';

type Json = Record<string, unknown>;

function blocks(content: unknown): Json[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? (content.filter((b) => b !== null && typeof b === 'object') as Json[]) : [];
}

function blockText(block: Json): string {
  if (block.type === 'tool_use') return JSON.stringify(block.input ?? {});
  if (block.type === 'tool_result') return contentText(block.content);
  return contentText(block.text ?? block.content);
}

interface Prompt {
  tokens: number;
  /** Tokens and text up to the last cache_control marker. */
  prefixTokens: number;
  prefixText: string;
  lastUser: string;
  toolResult: string | undefined;
}

function readPrompt(body: Json): Prompt {
  let tokens = 0;
  let text = '';
  let prefixTokens = 0;
  let prefixText = '';
  const add = (t: string, extra: number, marked: boolean): void => {
    tokens += textTokens(t) + extra;
    text += t;
    if (marked) {
      prefixTokens = tokens;
      prefixText = text;
    }
  };
  for (const tool of Array.isArray(body.tools) ? (body.tools as Json[]) : []) add(JSON.stringify(tool), 0, tool.cache_control !== undefined);
  for (const block of blocks(body.system)) add(blockText(block), 0, block.cache_control !== undefined);
  let lastUser = '';
  let toolResult: string | undefined;
  for (const message of Array.isArray(body.messages) ? (body.messages as Json[]) : []) {
    tokens += 4;
    const content = blocks(message.content);
    const results = content.filter((b) => b.type === 'tool_result');
    if (message.role === 'user') {
      if (results.length > 0) toolResult = results.map(blockText).join('');
      else {
        lastUser = content.map(blockText).join('');
        toolResult = undefined;
      }
    }
    for (const block of content) add(blockText(block), 0, block.cache_control !== undefined);
  }
  return { tokens, prefixTokens, prefixText, lastUser, toolResult };
}

export function messages(body: Json, ctx: HandlerContext, cache: PrefixCache): { call: Omit<MockCall, 'index'>; response: MockResponse } {
  const model = String(body.model);
  const prompt = readPrompt(body);
  const tools = (Array.isArray(body.tools) ? (body.tools as Json[]) : []).map((t) => ({ name: String(t.name), parameters: t.input_schema }));
  const reply = decideReply(prompt.lastUser, prompt.toolResult, tools, ctx.index);
  const { read, write } = cache.lookup(model, prompt.prefixText, prompt.prefixTokens, 1);
  const thinking = (body.thinking as Json | undefined)?.type === 'enabled' ? reasoningTokensFor('o1', prompt.tokens) : 0;
  const visible = reply.kind === 'text' ? textTokens(reply.text) : textTokens(reply.arguments) + 10;
  const usage: MockUsage = {
    inputTokens: prompt.tokens,
    cacheReadTokens: read,
    cacheWriteTokens: write,
    outputTokens: visible + thinking,
    reasoningTokens: thinking,
  };
  const wireUsage = {
    input_tokens: prompt.tokens - read - write,
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
    output_tokens: usage.outputTokens,
  };
  const responseModel = snapshotOf(model);
  const stream = body.stream === true;
  const id = `msg_mock_${ctx.index}`;
  const content =
    reply.kind === 'text'
      ? [{ type: 'text', text: reply.text }]
      : [{ type: 'tool_use', id: `toolu_mock_${ctx.index}`, name: reply.name, input: JSON.parse(reply.arguments) as unknown }];
  const stopReason = reply.kind === 'text' ? 'end_turn' : 'tool_use';
  const call = { api: 'messages', provider: 'anthropic', stream, requestModel: model, responseModel, usage, reply: reply.kind } as const;
  const message = { id, type: 'message', role: 'assistant', model: responseModel, content, stop_reason: stopReason, stop_sequence: null, usage: wireUsage };
  if (!stream) return { call, response: { json: message } };

  const ev = (type: string, data: Json): SseEvent => ({ event: type, data: { type, ...data } });
  const events: SseEvent[] = [
    ev('message_start', { message: { ...message, content: [], stop_reason: null, usage: { ...wireUsage, output_tokens: 1 } } }),
  ];
  if (reply.kind === 'text') {
    events.push(ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
    for (const piece of streamPieces(reply.text)) events.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }));
  } else {
    events.push(
      ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: `toolu_mock_${ctx.index}`, name: reply.name, input: {} } }),
      ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: reply.arguments } }),
    );
  }
  events.push(
    ev('content_block_stop', { index: 0 }),
    ev('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.outputTokens } }),
    ev('message_stop', {}),
  );
  return { call, response: { events } };
}
