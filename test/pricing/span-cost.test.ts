// A cost already on the span (gen_ai.usage.cost, as LiteLLM writes it): kept beside ours,
// used when we cannot price the call, never overwritten.
import { afterEach, describe, expect, it } from 'vitest';
import { PriceBook } from '../../src/pricing/index.js';
import { createHarness } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';
import { llmCall } from './calls.js';

let h: Harness;
afterEach(async () => h?.close());

describe('gen_ai.usage.cost on the span', () => {
  it('prices an unknown model from the span cost, counted as priced', async () => {
    h = createHarness();
    h.emit('chat', {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'my-private-finetune',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 100,
      'gen_ai.usage.cost': 0.42,
    });
    h.emit('chat', {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'another-private-model',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 100,
    });
    expect(await h.value('llm_cost_usd_total', { gen_ai_request_model: 'my-private-finetune' })).toBe(0.42);
    expect(await h.value('llm_requests_total', { gen_ai_request_model: 'my-private-finetune', llm_priced: 'true' })).toBe(1);
    expect(await h.value('llm_requests_total', { gen_ai_request_model: 'another-private-model', llm_priced: 'false' })).toBe(1);
  });

  it('keeps the span cost beside ours when we can price the call', () => {
    // gpt-4o: $2.50 input / $10.00 output per 1M (https://platform.openai.com/docs/pricing, public copy of 2025-11).
    const priced = new PriceBook().price(llmCall({ requestModel: 'gpt-4o', inputTokens: 1000, outputTokens: 100, spanCostUsd: 0.5 }));
    expect(priced.costUsd).toBeCloseTo((1000 * 2.5 + 100 * 10) / 1e6, 15);
    expect(priced.spanCostUsd).toBe(0.5);
    expect(priced.pricedAs).toBe('openai/gpt-4o');
    const fallback = new PriceBook().price(llmCall({ requestModel: 'nope-model', spanCostUsd: 0.5 }));
    expect(fallback.pricedAs).toBe('span/gen_ai.usage.cost');
    expect(fallback.costUsd).toBe(0.5);
  });
});
