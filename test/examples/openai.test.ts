// Scenario 1: openai + @opentelemetry/instrumentation-openai. Its spans carry
// gen_ai.usage.input_tokens (cache included) and output_tokens (reasoning included) but
// no cached-token attribute, so a cache read is priced at the full input rate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAME, runExample } from '../../examples/openai/app.js';
import { priceUsage, totalOf, trueCost } from '../../examples/shared/expected.js';
import type { Example } from '../../examples/shared/harness.js';
import { samplesOf, sumOf, type Sample } from '../../examples/shared/prometheus.js';
import type { PricedCall } from '../../src/index.js';
import { expectUsd, labelSets, scrapeSamples } from './helpers.js';

const NO_CACHE_ATTRIBUTE = { cacheRead: false, cacheWrite: false };

let example: Example;
let priced: PricedCall[];
/** Counted calls after the 7 successful ones: the rate-limited call. */
let failed: PricedCall[];
let samples: Sample[];

beforeAll(async () => {
  example = await runExample();
  const all = example.pricedCalls();
  priced = all.slice(0, 7);
  failed = all.slice(7);
  samples = await scrapeSamples(example);
});
afterAll(async () => {
  await example.shutdown();
});

describe('openai + @opentelemetry/instrumentation-openai', () => {
  it('counts each of the 7 successful requests once: chat, streamed chat, reasoning model, Responses API, embeddings', () => {
    expect(example.mock.calls.map((c) => `${c.api}${c.stream ? '+stream' : ''}`)).toEqual([
      'chat.completions',
      'chat.completions',
      'chat.completions+stream',
      'chat.completions',
      'chat.completions+stream',
      'responses',
      'embeddings',
    ]);
    expect(priced).toHaveLength(7);
    expect(sumOf(samples, 'llm_requests_total', { llm_priced: 'true' })).toBe(7);
  });

  it('counts the rate-limited call as an unpriced request with error.type, never as $0', () => {
    expect(example.mock.errors).toEqual([{ path: '/v1/chat/completions', status: 429, model: 'gpt-4o-mini' }]);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ priced: false, costUsd: undefined, unpricedReason: 'missing_usage', error: 'RateLimitError' });
    expect(sumOf(samples, 'llm_requests_total')).toBe(8);
    expect(samplesOf(samples, 'llm_requests_total', { error_type: 'RateLimitError' }).map((s) => [s.labels.llm_priced, s.value])).toEqual([['false', 1]]);
    expect(samplesOf(samples, 'llm_cost_usd_total', { error_type: 'RateLimitError' })).toEqual([]);
  });

  it('reads inclusive input and output tokens, and no cache or reasoning detail', () => {
    priced.forEach((call, i) => {
      const usage = example.mock.calls[i]!.usage;
      expect(call.inputTokens).toBe(usage.inputTokens);
      expect(call.outputTokens).toBe(call.operation === 'embeddings' ? undefined : usage.outputTokens);
      expect(call.cacheReadTokens).toBeUndefined();
      expect(call.reasoningTokens).toBeUndefined();
    });
  });

  it('prices every call exactly as genai-prices prices the usage the span carries', () => {
    priced.forEach((call, i) => {
      const mockCall = example.mock.calls[i]!;
      expect(call.responseModel).toBe(mockCall.responseModel);
      expectUsd(call.costUsd, priceUsage('openai', mockCall.responseModel, mockCall.usage, NO_CACHE_ATTRIBUTE));
    });
  });

  it('documents the error: cache reads billed at the input rate overcharge the three cached calls', () => {
    const calls = example.mock.calls;
    const counted = totalOf(priced.map((c) => c.costUsd ?? 0));
    const billed = totalOf(calls.map(trueCost));
    const cached = calls.filter((c) => c.usage.cacheReadTokens > 0);
    expect(cached.map((c) => c.index)).toEqual([1, 2, 4]);
    // 2 x 1024 tokens x ($0.15 - $0.075)/Mtok for gpt-4o-mini + 1024 x ($1.10 - $0.275)/Mtok for o4-mini.
    const overcharge = (2 * 1024 * 0.075 + 1024 * 0.825) / 1e6;
    expectUsd(counted - billed, overcharge);
    expectUsd(billed, 0.0043927);
    expectUsd(counted, 0.0053911);
  });

  it('exports the same total on /metrics, labelled by service, provider, models and operation', () => {
    expectUsd(sumOf(samples, 'llm_cost_usd_total'), totalOf(priced.map((c) => c.costUsd ?? 0)));
    expect(
      labelSets(samples, 'llm_cost_usd_total', ['service_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model', 'gen_ai_operation_name']),
    ).toEqual([
      `${SERVICE_NAME}|openai|gpt-4o-mini|gpt-4o-mini-2024-07-18|chat`,
      // The instrumentation names a Responses API call operation "chat".
      `${SERVICE_NAME}|openai|gpt-5-mini|gpt-5-mini-2025-08-07|chat`,
      `${SERVICE_NAME}|openai|o4-mini|o4-mini-2025-04-16|chat`,
      `${SERVICE_NAME}|openai|text-embedding-3-small|text-embedding-3-small|embeddings`,
    ]);
    const perModel = (model: string) => sumOf(samples, 'llm_cost_usd_total', { gen_ai_request_model: model });
    const expected = (model: string) => totalOf(priced.filter((c) => c.requestModel === model).map((c) => c.costUsd ?? 0));
    for (const model of ['gpt-4o-mini', 'o4-mini', 'gpt-5-mini', 'text-embedding-3-small']) expectUsd(perModel(model), expected(model));
    // No reasoning or cache_read partition: the spans do not say how many there were.
    expect(labelSets(samples, 'llm_tokens_total', ['llm_token_type'])).toEqual(['input', 'output']);
    expect(sumOf(samples, 'llm_tokens_total', { llm_token_type: 'input' })).toBe(totalOf(example.mock.calls.map((c) => c.usage.inputTokens)));
  });
});
