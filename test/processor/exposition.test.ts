import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

const gpt4o = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 1000,
  'gen_ai.usage.cache_read.input_tokens': 200,
  'gen_ai.usage.output_tokens': 100,
};

describe('Prometheus exposition of a small workload', () => {
  it('matches the metrics contract line for line', async () => {
    h = createHarness();
    h.emit('chat gpt-4o', gpt4o);
    h.emit('chat gpt-4o', gpt4o);
    h.emit('chat acme-1', {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'acme',
      'gen_ai.request.model': 'acme-1',
      'gen_ai.usage.input_tokens': 50,
      'gen_ai.usage.output_tokens': 5,
    });
    h.emit('GET /health', { 'http.request.method': 'GET' });

    const one = calcPrice({ input_tokens: 1000, cache_read_tokens: 200, output_tokens: 100 }, 'gpt-4o', { providerId: 'openai' })!.total_price;
    const text = await h.exposition();
    const lines = text.split('\n').filter((l) => /^llm_(cost_usd_total|requests_total|tokens_total|request_cost_usd_(sum|count))\{/.test(l));
    const scope = 'otel_scope_name="otel-llm-cost",otel_scope_version="0.1.0"';
    const common = 'service_name="checkout",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",gen_ai_operation_name="chat"';
    const acme = 'service_name="checkout",gen_ai_provider_name="acme",gen_ai_request_model="acme-1",gen_ai_operation_name="chat"';
    expect(lines).toEqual([
      `llm_cost_usd_total{${common},${scope}} ${one + one}`,
      `llm_tokens_total{${common},llm_token_type="input",llm_priced="true",${scope}} 1600`,
      `llm_tokens_total{${common},llm_token_type="cache_read",llm_priced="true",${scope}} 400`,
      `llm_tokens_total{${common},llm_token_type="output",llm_priced="true",${scope}} 200`,
      `llm_tokens_total{${acme},llm_token_type="input",llm_priced="false",${scope}} 50`,
      `llm_tokens_total{${acme},llm_token_type="output",llm_priced="false",${scope}} 5`,
      `llm_requests_total{${common},llm_priced="true",${scope}} 2`,
      `llm_requests_total{${acme},llm_priced="false",${scope}} 1`,
      `llm_request_cost_usd_count{${common},${scope}} 2`,
      `llm_request_cost_usd_sum{${common},${scope}} ${one + one}`,
    ]);
    // The unknown model has no cost series at all: never a silent $0.
    expect(text).not.toMatch(/llm_cost_usd_total\{[^}]*acme/);
    expect(text).toContain('# TYPE llm_cost_usd_total counter');
    expect(text).toContain('# UNIT llm_cost_usd_total USD');
    expect(text).toContain('# TYPE llm_request_cost_usd histogram');
    expect(text).toMatch(new RegExp(`llm_request_cost_usd_bucket\\{${common},${scope},le="0.005"\\} 2`));
    expect(text).toMatch(new RegExp(`llm_request_cost_usd_bucket\\{${common},${scope},le="0.001"\\} 0`));
  });
});
