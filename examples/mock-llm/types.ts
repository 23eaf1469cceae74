import type { MockUsage } from './usage.js';

export type MockApi = 'chat.completions' | 'responses' | 'embeddings' | 'messages';

/** One request the mock answered, with the usage it reported. */
export interface MockCall {
  /** 0-based position in the server's log. */
  index: number;
  api: MockApi;
  /** The genai-prices provider id of the API the request used. */
  provider: 'openai' | 'anthropic';
  stream: boolean;
  requestModel: string;
  /** The dated snapshot the mock answers as (what real APIs put in `model`). */
  responseModel: string;
  usage: MockUsage;
  reply: 'text' | 'tool_call' | 'embedding';
}

/** A server-sent event; `data: '[DONE]'` is written verbatim. */
export interface SseEvent {
  event?: string;
  data: unknown;
}

export type MockResponse = { status?: number; json: unknown } | { events: SseEvent[] };

export interface HandlerContext {
  index: number;
  /** Unix seconds, fixed per server so responses are reproducible. */
  created: number;
}

/** Dated snapshots, as the real APIs report them. Unknown models are echoed. */
const SNAPSHOTS: Record<string, string> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-5-mini': 'gpt-5-mini-2025-08-07',
  'o4-mini': 'o4-mini-2025-04-16',
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
};

export function snapshotOf(model: string): string {
  return SNAPSHOTS[model] ?? model;
}
