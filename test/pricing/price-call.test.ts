import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { ConfigError, priceCall } from '../../src/index.js';

describe('priceCall', () => {
  it('prices usage as calcPrice does, split by token type', () => {
    const timeMs = Date.UTC(2025, 5, 1);
    const price = priceCall({ provider: 'openai', model: 'gpt-4o', inputTokens: 1200, cacheReadTokens: 200, outputTokens: 300, timeMs });
    const expected = calcPrice({ input_tokens: 1200, cache_read_tokens: 200, output_tokens: 300 }, 'gpt-4o', { providerId: 'openai', timestamp: new Date(timeMs) });
    expect(price.priced).toBe(true);
    expect(price.pricedAs).toBe('openai/gpt-4o');
    expect(price.costUsd).toBeCloseTo(expected!.total_price, 12);
    expect(price.tokens).toEqual({ input: 1000, cacheRead: 200, cacheWrite: 0, output: 300, reasoning: 0 });
    const c = price.costs!;
    expect(c.input + c.cacheRead + c.cacheWrite + c.output + c.reasoning).toBeCloseTo(price.costUsd!, 15);
  });

  it('leaves an unknown model unpriced, never $0', () => {
    const price = priceCall({ model: 'no-such-model-anywhere', inputTokens: 10, outputTokens: 10 });
    expect(price).toMatchObject({ priced: false, costUsd: undefined, unpricedReason: 'unknown_model' });
  });

  it('applies the overrides it is given, and rejects bad ones with a ConfigError', () => {
    const prices = { models: [{ model: 'my-model', inputPerMTok: 1, outputPerMTok: 2 }] };
    expect(priceCall({ model: 'my-model', inputTokens: 1_000_000, outputTokens: 1_000_000 }, prices).costUsd).toBe(3);
    expect(() => priceCall({ model: 'x', inputTokens: 1, outputTokens: 1 }, { models: [{ model: 'bad', inputPerMTok: -1, outputPerMTok: 1 }] })).toThrow(ConfigError);
  });

  it('prices the service tier it is given, from the tier table and prices.tiers', () => {
    const timeMs = Date.UTC(2025, 9, 1);
    // o3 Flex: $1.00 input / $4.00 output per 1M, half of $2.00 / $8.00
    // (https://platform.openai.com/docs/pricing, Flex table, public copy of 2025-11).
    const call = { provider: 'openai', model: 'o3', inputTokens: 10_000, outputTokens: 5_000, timeMs };
    expect(priceCall({ ...call, serviceTier: 'flex' }).costUsd).toBeCloseTo((10_000 * 1 + 5_000 * 4) / 1e6, 12);
    expect(priceCall({ ...call, serviceTier: 'default' }).costUsd).toBeCloseTo((10_000 * 2 + 5_000 * 8) / 1e6, 12);
    const prices = { tiers: [{ tier: 'priority' as const, provider: 'anthropic', multiplier: 1.25 }] };
    const sonnet = { provider: 'anthropic', model: 'claude-sonnet-4-5', inputTokens: 10_000, outputTokens: 1_000, timeMs, serviceTier: 'priority' };
    expect(priceCall(sonnet, prices).costUsd).toBeCloseTo(((10_000 * 3 + 1_000 * 15) / 1e6) * 1.25, 12);
  });
});
