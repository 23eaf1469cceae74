import { calcPrice, findProvider } from '@pydantic/genai-prices';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config-error.js';
import { PriceBook, providerToCatalogId } from '../../src/pricing/index.js';
import type { LlmCall } from '../../src/types.js';
import { closeTo, llmCall, usageOf } from './calls.js';

function catalogCost(call: LlmCall, model: string, providerId?: string): number {
  const options = providerId === undefined ? { timestamp: new Date(call.startTimeMs) } : { providerId, timestamp: new Date(call.startTimeMs) };
  const result = calcPrice(usageOf(call), model, options);
  if (result === null) throw new Error(`catalog does not know ${providerId}/${model}`);
  return result.total_price;
}

describe('providerToCatalogId', () => {
  it.each([
    ['openai', 'openai'],
    ['anthropic', 'anthropic'],
    ['gcp.gemini', 'google'],
    ['gcp.vertex_ai', 'google'],
    ['gcp.gen_ai', 'google'],
    ['aws.bedrock', 'aws'],
    ['azure.ai.openai', 'azure'],
    ['azure.ai.inference', 'azure'],
    ['mistral_ai', 'mistral'],
    ['cohere', 'cohere'],
    ['groq', 'groq'],
    ['deepseek', 'deepseek'],
    ['x_ai', 'x-ai'],
    ['perplexity', 'perplexity'],
    ['openrouter', 'openrouter'],
    ['together', 'together'],
    ['fireworks', 'fireworks'],
    ['OpenAI', 'openai'],
    ['google', 'google'],
  ])('%s -> %s, a provider the catalog has', (otel, catalogId) => {
    expect(providerToCatalogId(otel)).toBe(catalogId);
    expect(findProvider({ providerId: catalogId })?.id).toBe(catalogId);
  });

  it.each(['ibm.watsonx.ai', 'my-gateway', '', 'constructor', '__proto__'])('%j has no catalog provider', (otel) => {
    expect(providerToCatalogId(otel)).toBeUndefined();
  });

  it('undefined stays undefined', () => {
    expect(providerToCatalogId(undefined)).toBeUndefined();
  });
});

describe('PriceBook', () => {
  const book = new PriceBook();

  it('prices a known model like calcPrice and partitions the tokens', () => {
    const call = llmCall({ provider: 'openai', requestModel: 'gpt-4o', inputTokens: 10_000, cacheReadTokens: 4_000, outputTokens: 500 });
    const priced = book.price(call);
    expect(priced.priced).toBe(true);
    expect(priced.pricedAs).toBe('openai/gpt-4o');
    expect(closeTo(priced.costUsd as number, catalogCost(call, 'gpt-4o', 'openai'))).toBe(true);
    expect(priced.tokens).toEqual({ input: 6_000, cacheRead: 4_000, cacheWrite: 0, output: 500, reasoning: 0 });
    expect(priced.spanId).toBe(call.spanId);
  });

  it('prefers the response model and falls back to the request model when it is unknown', () => {
    const dated = book.price(llmCall({ requestModel: 'gpt-4o', responseModel: 'gpt-4o-mini-2024-07-18' }));
    expect(dated.pricedAs).toBe('openai/gpt-4o-mini');
    const fallback = book.price(llmCall({ requestModel: 'gpt-4o', responseModel: 'gpt-4o-private-build-xyz' }));
    expect(fallback.pricedAs).toBe('openai/gpt-4o');
    expect(closeTo(fallback.costUsd as number, catalogCost(llmCall(), 'gpt-4o', 'openai'))).toBe(true);
  });

  it('finds the provider from the model id when the provider is absent or unknown', () => {
    for (const provider of [undefined, 'ibm.watsonx.ai']) {
      const call = llmCall({ provider, requestModel: 'claude-3-5-sonnet-20241022', inputTokens: 2_000, outputTokens: 300 });
      const priced = book.price(call);
      expect(priced.pricedAs).toBe('anthropic/claude-3-5-sonnet');
      expect(closeTo(priced.costUsd as number, catalogCost(call, 'claude-3-5-sonnet-20241022'))).toBe(true);
    }
  });

  it('prices x_ai and Azure calls from their catalog providers', () => {
    const grok = llmCall({ provider: 'x_ai', requestModel: 'grok-3' });
    expect(book.price(grok).pricedAs).toBe('x-ai/grok-3');
    expect(closeTo(book.price(grok).costUsd as number, catalogCost(grok, 'grok-3', 'x-ai'))).toBe(true);
    const azure = llmCall({ provider: 'azure.ai.openai', requestModel: 'gpt-4o-mini' });
    expect(book.price(azure).pricedAs).toBe('azure/gpt-4o-mini');
    expect(closeTo(book.price(azure).costUsd as number, catalogCost(azure, 'gpt-4o-mini', 'azure'))).toBe(true);
  });

  it('never prices an unknown model as $0', () => {
    const priced = book.price(llmCall({ requestModel: 'totally-made-up-model-9000' }));
    expect(priced).toMatchObject({ priced: false, costUsd: undefined, costs: undefined, unpricedReason: 'unknown_model', pricedAs: undefined });
    expect(priced.tokens).toEqual({ input: 1000, cacheRead: 0, cacheWrite: 0, output: 200, reasoning: 0 });
  });

  it('a call with no model is unpriced with no_model', () => {
    const priced = book.price(llmCall({ requestModel: undefined, responseModel: '  ' }));
    expect(priced).toMatchObject({ priced: false, costUsd: undefined, unpricedReason: 'no_model' });
  });

  it('missing input or output usage is unpriced, never $0', () => {
    for (const missing of [{ inputTokens: undefined }, { outputTokens: undefined }]) {
      const priced = book.price(llmCall(missing));
      expect(priced).toMatchObject({ priced: false, costUsd: undefined, costs: undefined, unpricedReason: 'missing_usage', pricedAs: 'openai/gpt-4o' });
    }
  });

  it('prices embeddings without an output count', () => {
    const call = llmCall({ operation: 'embeddings', requestModel: 'text-embedding-3-small', inputTokens: 80_000, outputTokens: undefined });
    const priced = book.price(call);
    expect(priced.priced).toBe(true);
    expect(priced.costUsd).toBeGreaterThan(0);
    expect(closeTo(priced.costUsd as number, catalogCost({ ...call, outputTokens: 0 }, 'text-embedding-3-small', 'openai'))).toBe(true);
  });

  it('reasoning tokens are part of output and priced by the catalog rules', () => {
    const call = llmCall({ requestModel: 'o3', inputTokens: 3_000, outputTokens: 5_000, reasoningTokens: 4_000 });
    const priced = book.price(call);
    expect(priced.tokens).toMatchObject({ output: 1_000, reasoning: 4_000 });
    expect(closeTo(priced.costUsd as number, catalogCost(call, 'o3', 'openai'))).toBe(true);
  });

  it('usage that breaks the inclusive rule is priced as calcPrice would, without negative counts', () => {
    // gpt-3.5-turbo-0125 has no cache price: calcPrice accepts cache above input.
    const lenient = llmCall({ requestModel: 'gpt-3.5-turbo-0125', inputTokens: 100, cacheReadTokens: 400, outputTokens: 10 });
    const priced = book.price(lenient);
    expect(priced.tokens.input).toBe(0);
    expect(closeTo(priced.costUsd as number, catalogCost(lenient, 'gpt-3.5-turbo-0125', 'openai'))).toBe(true);
    // gpt-4o prices cache reads, and calcPrice rejects the same usage: unpriced, not $0.
    const strict = book.price(llmCall({ requestModel: 'gpt-4o', inputTokens: 100, cacheReadTokens: 400, outputTokens: 10 }));
    expect(strict).toMatchObject({ priced: false, costUsd: undefined, unpricedReason: 'pricing_error' });
  });

  it('never produces NaN or throws, whatever the fields hold', () => {
    const garbage = fc.oneof(fc.constant(undefined), fc.double(), fc.integer(), fc.string(), fc.constant(null), fc.array(fc.nat()), fc.constant(Infinity), fc.constant(-1));
    const modelArb = fc.oneof(fc.constantFrom('gpt-4o', 'claude-3-5-haiku', 'gemini-2.5-pro', '', '   '), fc.string(), fc.constant(undefined));
    fc.assert(
      fc.property(garbage, garbage, garbage, garbage, garbage, modelArb, modelArb, fc.oneof(fc.double(), fc.integer()), fc.oneof(fc.string(), fc.constant(undefined)), (i, o, cr, cw, r, req, res, t, provider) => {
        const call = { ...llmCall(), inputTokens: i, outputTokens: o, cacheReadTokens: cr, cacheWriteTokens: cw, reasoningTokens: r, requestModel: req, responseModel: res, startTimeMs: t, provider } as unknown as LlmCall;
        const priced = book.price(call);
        for (const n of Object.values(priced.tokens)) expect(Number.isFinite(n) && n >= 0).toBe(true);
        if (priced.priced) {
          expect(Number.isFinite(priced.costUsd)).toBe(true);
          for (const n of Object.values(priced.costs!)) expect(Number.isFinite(n)).toBe(true);
        } else {
          expect(priced.costUsd).toBeUndefined();
          expect(priced.unpricedReason).toBeDefined();
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the resolution cache within its bound under many distinct garbage models', () => {
    const small = new PriceBook({}, 64);
    for (let i = 0; i < 5_000; i++) {
      expect(small.price(llmCall({ requestModel: `garbage-model-${i}` })).unpricedReason).toBe('unknown_model');
      expect(small.cachedResolutions).toBeLessThanOrEqual(64);
    }
    expect(small.cachedResolutions).toBeGreaterThan(0);
    // A known model still resolves after the churn.
    expect(small.price(llmCall()).pricedAs).toBe('openai/gpt-4o');
  });
});

describe('PriceBook overrides', () => {
  it('rejects invalid overrides at construction with a ConfigError naming the field', () => {
    expect(() => new PriceBook({ multipliers: { openai: -1 } })).toThrow(ConfigError);
    expect(() => new PriceBook({ models: [{ model: 'x', inputPerMTok: Number.NaN, outputPerMTok: 1 }] })).toThrow(/prices\.models\[0\]\.inputPerMTok/);
    expect(() => new PriceBook({}, 0)).toThrow(/resolutionCacheSize/);
  });

  it('aliases map a deployment name to a model, optionally with its provider', () => {
    const book = new PriceBook({ aliases: { 'my-gpt4o-prod': 'gpt-4o', 'team-claude': 'anthropic/claude-3-5-haiku' } });
    const azure = llmCall({ provider: 'azure.ai.openai', requestModel: 'my-gpt4o-prod' });
    expect(book.price(azure).pricedAs).toBe('azure/gpt-4o');
    expect(closeTo(book.price(azure).costUsd as number, catalogCost(azure, 'gpt-4o', 'azure'))).toBe(true);
    const claude = llmCall({ provider: 'my-gateway', requestModel: 'Team-Claude' });
    const want = calcPrice(usageOf(claude), 'claude-3-5-haiku', { providerId: 'anthropic' });
    expect(book.price(claude).pricedAs).toBe(`anthropic/${want?.model.id}`);
    expect(closeTo(book.price(claude).costUsd as number, catalogCost(claude, 'claude-3-5-haiku', 'anthropic'))).toBe(true);
  });

  it('multipliers scale cost and every component; the most specific key wins', () => {
    const book = new PriceBook({ multipliers: { openai: 0.8, 'gpt-4o-mini': 0.5, 'openai/o3': 0.25, anthropic: 1.1 } });
    const cases: [LlmCall, string, number][] = [
      [llmCall({ requestModel: 'gpt-4o', cacheReadTokens: 300 }), 'gpt-4o', 0.8],
      [llmCall({ requestModel: 'gpt-4o-mini' }), 'gpt-4o-mini', 0.5],
      [llmCall({ requestModel: 'o3', reasoningTokens: 100 }), 'o3', 0.25],
    ];
    for (const [call, model, factor] of cases) {
      const priced = book.price(call);
      const plain = new PriceBook().price(call);
      expect(closeTo(priced.costUsd as number, catalogCost(call, model, 'openai') * factor)).toBe(true);
      for (const key of ['input', 'cacheRead', 'cacheWrite', 'output', 'reasoning'] as const) {
        expect(closeTo(priced.costs![key], plain.costs![key] * factor)).toBe(true);
      }
    }
    const claude = llmCall({ provider: 'anthropic', requestModel: 'claude-3-5-haiku' });
    expect(closeTo(book.price(claude).costUsd as number, catalogCost(claude, 'claude-3-5-haiku', 'anthropic') * 1.1)).toBe(true);
  });

  it('custom models are priced per million tokens before the catalog, with defaults for cache and reasoning', () => {
    const book = new PriceBook({
      models: [
        { model: 'acme-llm-1', inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5 },
        { model: 'gpt-4o', provider: 'openai', inputPerMTok: 1, outputPerMTok: 1 },
      ],
      multipliers: { 'acme-llm-1': 0.5 },
    });
    const call = llmCall({ provider: 'acme', requestModel: 'ACME-LLM-1', inputTokens: 1_000_000, cacheReadTokens: 200_000, cacheWriteTokens: 100_000, outputTokens: 50_000, reasoningTokens: 10_000 });
    const priced = book.price(call);
    expect(priced.pricedAs).toBe('custom/acme-llm-1');
    // 700k input + 100k cache write at $2, 200k cache read at $0.5, 50k output (incl. reasoning) at $8; x 0.5.
    const expected = ((700_000 + 100_000) * 2 + 200_000 * 0.5 + 50_000 * 8) / 1e6 * 0.5;
    expect(closeTo(priced.costUsd as number, expected)).toBe(true);
    expect(closeTo(priced.costs!.cacheRead, (200_000 * 0.5 / 1e6) * 0.5)).toBe(true);
    // Provider-scoped custom entry applies to openai only.
    expect(book.price(llmCall({ provider: 'openai', requestModel: 'gpt-4o', inputTokens: 1e6, outputTokens: 1e6 })).costUsd).toBe(2);
    expect(book.price(llmCall({ provider: 'azure.ai.openai', requestModel: 'gpt-4o' })).pricedAs).toBe('azure/gpt-4o');
  });
});

describe('PriceBook.price', () => {
  it('memoizes each (provider, response model, request model) apart, whatever characters they hold', () => {
    const book = new PriceBook();
    // Joined with a plain NUL separator both would have one memo key.
    expect(book.price(llmCall({ provider: 'openai', responseModel: 'gpt-4o', requestModel: '\u0000', inputTokens: 10, outputTokens: 10 })).priced).toBe(true);
    expect(book.price(llmCall({ provider: 'openai', responseModel: 'gpt-4o\u0000', requestModel: undefined, inputTokens: 10, outputTokens: 10 })).priced).toBe(false);
  });

  it('returns a new priced call and leaves its call as it was', () => {
    const book = new PriceBook({ models: [{ model: 'my-model', inputPerMTok: 1, outputPerMTok: 2 }] });
    const cases = [
      llmCall({ inputTokens: 1200, cacheReadTokens: 200, outputTokens: 300, reasoningTokens: 100 }),
      llmCall({ requestModel: 'no-such-model-anywhere', responseModel: undefined }),
      llmCall({ inputTokens: undefined }),
      llmCall({ requestModel: 'my-model', responseModel: undefined, inputTokens: 1e6, outputTokens: 1e6 }),
    ];
    for (const call of cases) {
      const before = { ...call };
      const priced = book.price(call);
      expect(priced).not.toBe(call);
      expect(call).toStrictEqual(before);
      // Every field of the call is carried over unchanged.
      expect({ ...priced }).toMatchObject(before);
    }
  });
});
