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
});
