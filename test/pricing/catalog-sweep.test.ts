import { calcPrice, findProvider } from '@pydantic/genai-prices';
import { describe, expect, it, vi } from 'vitest';
import { PriceBook } from '../../src/pricing/index.js';
import { closeTo, llmCall, usageOf } from './calls.js';

/** Every provider in the bundled catalog of @pydantic/genai-prices 0.1.8. */
const CATALOG_PROVIDERS = `anthropic arcee avian aws azure baseten cerebras cloudflare cohere cursor deepseek doubleword
fireworks github-copilot google groq huggingface_cerebras huggingface_fireworks-ai huggingface_groq huggingface_hyperbolic
huggingface_nebius huggingface_novita huggingface_nscale huggingface_ovhcloud huggingface_publicai huggingface_sambanova
huggingface_together minimax mistral modal moonshotai novita openai openrouter ovhcloud perplexity quicksilverpro together
typesafe voyageai x-ai zai zhipuai`.split(/\s+/);

const TIMES = [Date.UTC(2024, 0, 1, 3), Date.UTC(2025, 6, 1, 17, 30), Date.UTC(2026, 10, 1, 23, 59)];

describe('every catalog model', () => {
  it('prices like calcPrice (or is unknown where calcPrice finds nothing), without console output', () => {
    const warn = vi.spyOn(console, 'warn');
    const book = new PriceBook({ corrections: false });
    let priced = 0;
    for (const providerId of CATALOG_PROVIDERS) {
      const provider = findProvider({ providerId });
      expect(provider?.id).toBe(providerId);
      for (const model of provider?.models ?? []) {
        for (const startTimeMs of TIMES) {
          const call = llmCall({ provider: providerId, requestModel: model.id, startTimeMs, inputTokens: 300_000, cacheReadTokens: 100_000, cacheWriteTokens: 20_000, outputTokens: 5_000, reasoningTokens: 1_000 });
          const timestamp = new Date(startTimeMs);
          const want = calcPrice(usageOf(call), model.id, { providerId, timestamp }) ?? calcPrice(usageOf(call), model.id, { timestamp });
          const got = book.price(call);
          if (want === null) {
            expect(got.unpricedReason).toBe('unknown_model');
            continue;
          }
          if (!(got.priced && closeTo(got.costUsd as number, want.total_price))) {
            throw new Error(`${providerId}/${model.id} at ${timestamp.toISOString()}: ${got.costUsd} (${got.unpricedReason}) != ${want.total_price}`);
          }
          priced++;
        }
      }
    }
    expect(priced).toBeGreaterThan(4_000);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
