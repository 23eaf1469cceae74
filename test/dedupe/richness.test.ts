import { describe, expect, it } from 'vitest';
import { richerCopy, richness } from '../../src/dedupe/richness.js';
import { pricedCall } from '../analytics/factory.js';
import type { LlmCall } from '../../src/types.js';

/** A call with only the given fields known. */
function call(fields: Partial<LlmCall>): LlmCall {
  return {
    ...pricedCall(),
    provider: undefined,
    requestModel: 'gpt-4o-mini',
    responseModel: undefined,
    inputTokens: undefined,
    outputTokens: undefined,
    cacheReadTokens: undefined,
    cacheWriteTokens: undefined,
    reasoningTokens: undefined,
    serviceTier: undefined,
    ...fields,
  };
}

describe('richness', () => {
  it('orders copies by usage, cache read, cache write, reasoning, response model, provider', () => {
    const ladder = [
      call({}),
      call({ provider: 'openai' }),
      call({ provider: 'openai', responseModel: 'gpt-4o-mini-2024-07-18' }),
      call({ reasoningTokens: 0 }),
      call({ cacheWriteTokens: 0 }),
      call({ cacheReadTokens: 0 }),
      call({ outputTokens: 5 }),
      call({ inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, responseModel: 'x', provider: 'openai' }),
    ];
    const scores = ladder.map(richness);
    // Each step outranks everything before it, whatever the lower fields.
    expect([...scores].sort((a, b) => a - b)).toEqual(scores);
    expect(new Set(scores).size).toBe(scores.length);
    // A key reported as 0 is information: the emitter said so.
    expect(richness(call({ inputTokens: 1, cacheReadTokens: 0 }))).toBeGreaterThan(richness(call({ inputTokens: 1, provider: 'openai', responseModel: 'x' })));
  });
});

describe('richerCopy', () => {
  const openaiCopy = call({ spanId: 'oa', provider: 'openai', responseModel: 'gpt-4o-mini-2024-07-18', inputTokens: 1123, outputTokens: 16, serviceTier: 'flex' });
  const langchainCopy = call({ spanId: 'lc', inputTokens: 1123, cacheReadTokens: 1024, outputTokens: 16 });

  it("keeps the richer copy's counts, never a sum, and takes the names it lacks from the other", () => {
    for (const [kept, other] of [[openaiCopy, langchainCopy], [langchainCopy, openaiCopy]] as const) {
      const out = richerCopy(kept, other);
      expect(out).toMatchObject({
        spanId: 'lc',
        inputTokens: 1123,
        cacheReadTokens: 1024,
        outputTokens: 16,
        provider: 'openai',
        responseModel: 'gpt-4o-mini-2024-07-18',
        serviceTier: 'flex',
      });
    }
    // Neither input is changed.
    expect(langchainCopy.provider).toBeUndefined();
  });

  it('keeps the copy decided first on a tie, as it is when it lacks no name', () => {
    const a = call({ spanId: 'a', inputTokens: 10, outputTokens: 1, provider: 'openai' });
    const b = call({ spanId: 'b', inputTokens: 12, outputTokens: 1, provider: 'openai' });
    expect(richerCopy(a, b)).toBe(a);
    expect(richerCopy(b, a)).toBe(b);
  });
});
