// Scenario 2: openai + @arizeai/openinference-instrumentation-openai. Non-streamed chat and
// Responses spans carry everything (cache reads, reasoning); streamed chats and embeddings
// carry no token counts at all, so those calls are counted but unpriced (never $0).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAME, runExample } from '../../examples/openinference-openai/app.js';
import { totalOf, trueCost } from '../../examples/shared/expected.js';
import type { Example } from '../../examples/shared/harness.js';
import { sumOf, type Sample } from '../../examples/shared/prometheus.js';
import type { PricedCall } from '../../src/index.js';
import { expectUsd, labelSets, scrapeSamples } from './helpers.js';

let example: Example;
let priced: PricedCall[];
let samples: Sample[];

beforeAll(async () => {
  example = await runExample();
  priced = example.pricedCalls();
  samples = await scrapeSamples(example);
});
afterAll(async () => {
  await example.shutdown();
});

const WITHOUT_USAGE = [2, 4, 6]; // streamed chat, streamed reasoning chat, embeddings

describe('openai + @arizeai/openinference-instrumentation-openai', () => {
  it('counts each of the 7 requests once', () => {
    expect(example.mock.calls).toHaveLength(7);
    expect(priced).toHaveLength(7);
    expect(sumOf(samples, 'llm_requests_total')).toBe(7);
  });

  it('prices non-streamed chat and Responses calls exactly, cache reads and reasoning included', () => {
    priced.forEach((call, i) => {
      if (WITHOUT_USAGE.includes(i)) return;
      const mockCall = example.mock.calls[i]!;
      expect(call.priced).toBe(true);
      expect(call.inputTokens).toBe(mockCall.usage.inputTokens);
      expect(call.cacheReadTokens).toBe(mockCall.usage.cacheReadTokens);
      expect(call.outputTokens).toBe(mockCall.usage.outputTokens);
      expect(call.reasoningTokens).toBe(mockCall.usage.reasoningTokens);
      expectUsd(call.costUsd, trueCost(mockCall));
    });
    expect(example.mock.calls[1]!.usage.cacheReadTokens).toBe(1024);
    expect(example.mock.calls[5]!.usage.reasoningTokens).toBe(128);
  });

  it('documents the gap: streamed chats and embeddings have no token attributes, so they are unpriced', () => {
    for (const i of WITHOUT_USAGE) {
      const call = priced[i]!;
      expect(call.priced).toBe(false);
      expect(call.unpricedReason).toBe('missing_usage');
      expect(call.costUsd).toBeUndefined();
      expect(call.inputTokens).toBeUndefined();
    }
    expect(sumOf(samples, 'llm_requests_total', { llm_priced: 'false' })).toBe(3);
    const missing = totalOf(WITHOUT_USAGE.map((i) => trueCost(example.mock.calls[i]!)));
    const counted = sumOf(samples, 'llm_cost_usd_total');
    expectUsd(counted, totalOf(example.mock.calls.map(trueCost)) - missing);
    expectUsd(counted, 0.00270495);
  });

  it('labels: llm.model_name is the only model attribute (the snapshot when not streamed), provider from llm.system', () => {
    expect(
      labelSets(samples, 'llm_requests_total', ['service_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model', 'gen_ai_operation_name', 'llm_priced']),
    ).toEqual([
      `${SERVICE_NAME}|openai|gpt-4o-mini-2024-07-18||chat|true`,
      `${SERVICE_NAME}|openai|gpt-4o-mini||chat|false`,
      `${SERVICE_NAME}|openai|gpt-5-mini-2025-08-07||chat|true`,
      `${SERVICE_NAME}|openai|o4-mini-2025-04-16||chat|true`,
      `${SERVICE_NAME}|openai|o4-mini||chat|false`,
      `${SERVICE_NAME}|openai|text-embedding-3-small||embeddings|false`,
    ]);
    expect(sumOf(samples, 'llm_tokens_total', { llm_token_type: 'cache_read' })).toBe(1024);
    expect(sumOf(samples, 'llm_tokens_total', { llm_token_type: 'reasoning' })).toBe(128 + 128);
  });
});
