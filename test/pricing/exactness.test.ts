import { calcPrice, findProvider } from '@pydantic/genai-prices';
import type { ModelInfo } from '@pydantic/genai-prices';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PriceBook } from '../../src/pricing/index.js';
import type { LlmCall } from '../../src/types.js';
import { closeTo, llmCall, usageOf } from './calls.js';

/** Catalog provider id -> an OpenTelemetry provider name that maps to it. */
const PROVIDERS: [catalogId: string, otelName: string][] = [
  ['openai', 'openai'],
  ['anthropic', 'anthropic'],
  ['google', 'gcp.vertex_ai'],
  ['aws', 'aws.bedrock'],
  ['mistral', 'mistral_ai'],
  ['groq', 'groq'],
  ['deepseek', 'deepseek'],
  ['x-ai', 'x_ai'],
];

// The catalog alone: the corrections layer (tested in corrections.test.ts) is off.
const book = new PriceBook({ corrections: false });

/** What genai-prices itself says, with the documented fallback to a model-only lookup. */
function expected(call: LlmCall, catalogId: string, model: string) {
  const usage = usageOf(call);
  const timestamp = new Date(call.startTimeMs);
  return calcPrice(usage, model, { providerId: catalogId, timestamp }) ?? calcPrice(usage, model, { timestamp });
}

function assertSame(call: LlmCall, catalogId: string, model: string): void {
  const want = expected(call, catalogId, model);
  const got = book.price(call);
  if (want === null) {
    expect(got.priced).toBe(false);
    expect(got.unpricedReason).toBe('unknown_model');
    return;
  }
  expect(got.unpricedReason).toBeUndefined();
  expect(got.pricedAs).toBe(`${want.provider.id}/${want.model.id}`);
  const cost = got.costUsd as number;
  if (!closeTo(cost, want.total_price)) {
    throw new Error(`${catalogId}/${model} ${JSON.stringify(usageOf(call))} at ${new Date(call.startTimeMs).toISOString()}: ${cost} != ${want.total_price}`);
  }
  const c = got.costs!;
  expect(closeTo(c.input + c.cacheRead + c.cacheWrite + c.output + c.reasoning, want.total_price, 1e-12)).toBe(true);
}

/** Inclusive token counts: cache <= input, reasoning <= output. */
const usageArb = fc
  .tuple(fc.nat({ max: 2_000_000 }), fc.nat(), fc.nat(), fc.nat({ max: 300_000 }), fc.nat())
  .map(([input, a, b, output, c]) => {
    const cacheRead = a % (input + 1);
    const cacheWrite = b % (input - cacheRead + 1);
    return { inputTokens: input, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite, outputTokens: output, reasoningTokens: c % (output + 1) };
  });
const timeArb = fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2027, 0, 1) });

function isTiered(model: ModelInfo): boolean {
  const variants = Array.isArray(model.prices) ? model.prices.map((p) => p.prices) : [model.prices];
  return variants.some((v) => Object.values(v).some((p) => typeof p === 'object'));
}

describe('PriceBook equals calcPrice for every model', () => {
  for (const [catalogId, otelName] of PROVIDERS) {
    const models = findProvider({ providerId: catalogId })?.models ?? [];
    it(`${catalogId}: all ${models.length} models, random usage and time`, () => {
      expect(models.length).toBeGreaterThan(5);
      for (const model of models) {
        fc.assert(
          fc.property(usageArb, timeArb, (usage, startTimeMs) => {
            assertSame(llmCall({ provider: otelName, requestModel: model.id, startTimeMs, ...usage }), catalogId, model.id);
          }),
          { numRuns: 15 },
        );
      }
    });
  }

  it('tiered (long-context) models at and just past every tier start', () => {
    let checked = 0;
    for (const [catalogId, otelName] of PROVIDERS) {
      for (const model of findProvider({ providerId: catalogId })?.models ?? []) {
        if (!isTiered(model)) continue;
        const variants = Array.isArray(model.prices) ? model.prices.map((p) => p.prices) : [model.prices];
        const starts = new Set<number>();
        for (const v of variants) for (const p of Object.values(v)) if (typeof p === 'object') for (const t of p.tiers) starts.add(t.start);
        for (const start of starts) {
          for (const input of [start - 1, start, start + 1, start * 2 + 7]) {
            if (input < 0) continue;
            const call = llmCall({ provider: otelName, requestModel: model.id, inputTokens: input, cacheReadTokens: Math.floor(input / 3), cacheWriteTokens: Math.floor(input / 5), outputTokens: 4321, reasoningTokens: 1234 });
            assertSame(call, catalogId, model.id);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('prices a call by the price in force at its start time (start_date constraints)', () => {
    let checked = 0;
    for (const [catalogId, otelName] of PROVIDERS) {
      for (const model of findProvider({ providerId: catalogId })?.models ?? []) {
        if (!Array.isArray(model.prices)) continue;
        for (const variant of model.prices) {
          const c = variant.constraint;
          if (c?.type !== 'start_date') continue;
          const change = Date.parse(`${c.start_date}T00:00:00Z`);
          const usage = { inputTokens: 120_000, cacheReadTokens: 30_000, cacheWriteTokens: 1_000, outputTokens: 9_000, reasoningTokens: 2_000 };
          const before = llmCall({ provider: otelName, requestModel: model.id, startTimeMs: change - 1, ...usage });
          const after = llmCall({ provider: otelName, requestModel: model.id, startTimeMs: change, ...usage });
          assertSame(before, catalogId, model.id);
          assertSame(after, catalogId, model.id);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('a start_date change actually changes the price', () => {
    const changed = PROVIDERS.flatMap(([catalogId, otelName]) =>
      (findProvider({ providerId: catalogId })?.models ?? []).flatMap((model) =>
        Array.isArray(model.prices)
          ? model.prices
              .filter((v) => v.constraint?.type === 'start_date')
              .map((v) => ({ otelName, model, at: Date.parse(`${(v.constraint as { start_date: string }).start_date}T00:00:00Z`) }))
          : [],
      ),
    );
    const differing = changed.filter(({ otelName, model, at }) => {
      const a = book.price(llmCall({ provider: otelName, requestModel: model.id, startTimeMs: at - 1 })).costUsd;
      const b = book.price(llmCall({ provider: otelName, requestModel: model.id, startTimeMs: at })).costUsd;
      return a !== b;
    });
    expect(differing.length).toBeGreaterThan(0);
  });

  it('time-of-day prices (off-peak windows) follow the call time', () => {
    let checked = 0;
    for (const [catalogId, otelName] of PROVIDERS) {
      for (const model of findProvider({ providerId: catalogId })?.models ?? []) {
        if (!Array.isArray(model.prices) || !model.prices.some((v) => v.constraint?.type === 'time_of_date')) continue;
        for (let minute = 0; minute < 24 * 60; minute += 15) {
          for (const day of [Date.UTC(2025, 1, 10), Date.UTC(2026, 3, 2)]) {
            assertSame(llmCall({ provider: otelName, requestModel: model.id, startTimeMs: day + minute * 60_000, inputTokens: 5000, cacheReadTokens: 1000, outputTokens: 700 }), catalogId, model.id);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
