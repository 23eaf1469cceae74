import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

describe('analytics.summary()', () => {
  it('prints each model with its cost, and an unknown model as unpriced, never $0.00', () => {
    h = createHarness();
    const usage = { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 200_000, 'gen_ai.usage.output_tokens': 50_000 };
    h.emit('chat', { ...usage, 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' });
    h.emit('chat', { ...usage, 'gen_ai.provider.name': 'acme', 'gen_ai.request.model': 'acme-1' });
    const cost = calcPrice({ input_tokens: 200_000, output_tokens: 50_000 }, 'gpt-4o', { providerId: 'openai' })!.total_price;
    expect(cost).toBeCloseTo(1, 12);
    const text = h.processor.analytics.summary();
    expect(text).toMatch(/openai\/gpt-4o\s+\$1\.00\s+1 calls/);
    expect(text).toMatch(/acme\/acme-1\s+unpriced\s+1 calls/);
    expect(text).toContain('$1.00 over 2 calls (1 unpriced, not in the cost)');
  });
});
