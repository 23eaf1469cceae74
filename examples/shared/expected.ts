// What each mock call should cost: @pydantic/genai-prices applied to the usage the mock
// reported. The examples print it, the tests compare otel-llm-cost's numbers with it.
import { calcPrice } from '@pydantic/genai-prices';
import type { MockCall } from '../mock-llm/types.js';
import type { MockUsage } from '../mock-llm/usage.js';

/** Which parts of the usage a library's spans carry; the rest is lost on the way. */
export interface UsageSeen {
  cacheRead: boolean;
  cacheWrite: boolean;
}

export const FULL_USAGE: UsageSeen = { cacheRead: true, cacheWrite: true };

export function priceUsage(provider: string, model: string, usage: MockUsage, seen: UsageSeen = FULL_USAGE): number {
  const result = calcPrice(
    {
      input_tokens: usage.inputTokens,
      cache_read_tokens: seen.cacheRead ? usage.cacheReadTokens : 0,
      cache_write_tokens: seen.cacheWrite ? usage.cacheWriteTokens : 0,
      output_tokens: usage.outputTokens,
    },
    model,
    { providerId: provider },
  );
  if (result === null) throw new Error(`genai-prices has no price for ${provider}/${model}`);
  return result.total_price;
}

/** The true cost of a mock call (every token type the mock billed). */
export function trueCost(call: MockCall): number {
  return priceUsage(call.provider, call.responseModel, call.usage);
}

export function totalOf(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export function usd(value: number | undefined): string {
  if (value === undefined) return 'unpriced';
  return value < 0 ? `-$${(-value).toFixed(8)}` : `$${value.toFixed(8)}`;
}
