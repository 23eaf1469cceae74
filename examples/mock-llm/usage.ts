// The mock's token accounting: a documented, deterministic function of the request
// (and, for prompt caching, of the requests the same server saw before).
//
// - A text costs ceil(utf8 bytes / 4) tokens; every message adds 4 tokens of framing;
//   every tool definition costs the tokens of its JSON.
// - Prompt caching (OpenAI automatic, Anthropic explicit) works on a prefix: for OpenAI the
//   first message (the system prompt), for Anthropic everything up to the last
//   `cache_control` marker. A prefix counts only when it reaches 1024 tokens, rounded
//   down to a multiple of 128 for OpenAI. The first request with a given model and
//   prefix writes it; later requests read it.
// - Output: the reply text's tokens; reasoning models (o1/o3/o4, gpt-5) add
//   64 * (1 + inputTokens % 4) reasoning tokens on top.
// - Embeddings: the tokens of each input plus 1, no cache, no output.

/** What the mock billed for one request. Inclusive totals, as genai-prices expects. */
export interface MockUsage {
  /** ALL input tokens, cache reads and writes included. */
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** ALL output tokens, reasoning included. */
  outputTokens: number;
  reasoningTokens: number;
}

export const MIN_CACHEABLE_TOKENS = 1024;
const OPENAI_CACHE_STEP = 128;
const MESSAGE_FRAMING_TOKENS = 4;

export function textTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}

/** The text of a message content in any of the shapes the APIs accept. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => contentText(part)).join('');
  if (content !== null && typeof content === 'object') {
    const part = content as Record<string, unknown>;
    if (typeof part.text === 'string') return part.text;
    if (part.content !== undefined) return contentText(part.content);
    return JSON.stringify(part);
  }
  return content === undefined || content === null ? '' : String(content);
}

/** Tokens of one chat message: its text, its tool calls' JSON, and the framing. */
export function messageTokens(message: Record<string, unknown>): number {
  let tokens = MESSAGE_FRAMING_TOKENS + textTokens(contentText(message.content));
  if (Array.isArray(message.tool_calls)) tokens += textTokens(JSON.stringify(message.tool_calls));
  return tokens;
}

export function toolsTokens(tools: unknown): number {
  return Array.isArray(tools) && tools.length > 0 ? textTokens(JSON.stringify(tools)) : 0;
}

export function isReasoningModel(model: string): boolean {
  return /^(o[134]|gpt-5)/.test(model);
}

export function reasoningTokensFor(model: string, inputTokens: number): number {
  return isReasoningModel(model) ? 64 * (1 + (inputTokens % 4)) : 0;
}

/** Remembers which cacheable prefixes were already written, per mock server. */
export class PrefixCache {
  private readonly seen = new Set<string>();

  /**
   * Cache read/write tokens for a prefix of `prefixTokens` tokens. `step` rounds the
   * cached size down (OpenAI caches in 128-token increments; Anthropic caches exactly).
   */
  lookup(model: string, prefixKey: string, prefixTokens: number, step: number): { read: number; write: number } {
    if (prefixTokens < MIN_CACHEABLE_TOKENS) return { read: 0, write: 0 };
    const size = Math.floor(prefixTokens / step) * step;
    const key = `${model}\u0000${prefixKey}`;
    if (this.seen.has(key)) return { read: size, write: 0 };
    this.seen.add(key);
    return { read: 0, write: size };
  }
}

/**
 * OpenAI-style usage: automatic caching of the first message; a cache write is free
 * and not reported by OpenAI, so only reads show up.
 */
export function openAiUsage(
  cache: PrefixCache,
  model: string,
  inputTokens: number,
  prefix: string,
  prefixTokens: number,
  replyText: string,
): MockUsage {
  const { read } = cache.lookup(model, prefix, Math.min(prefixTokens, inputTokens), OPENAI_CACHE_STEP);
  const reasoningTokens = reasoningTokensFor(model, inputTokens);
  return {
    inputTokens,
    cacheReadTokens: read,
    cacheWriteTokens: 0,
    outputTokens: textTokens(replyText) + reasoningTokens,
    reasoningTokens,
  };
}
