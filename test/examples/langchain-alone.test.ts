// Scenario 4b: the same LangChain.js app traced by the OpenInference LangChain
// instrumentation ALONE, the configuration examples/README.md recommends: every chat call
// counted once at its exact price; embeddings get no span and are not counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAME, runExample } from '../../examples/langchain/app.js';
import { totalOf, trueCost } from '../../examples/shared/expected.js';
import type { Example } from '../../examples/shared/harness.js';
import { sumOf, type Sample } from '../../examples/shared/prometheus.js';
import type { PricedCall } from '../../src/index.js';
import { expectUsd, labelSets, scrapeSamples } from './helpers.js';

let example: Example;
let priced: PricedCall[];
let samples: Sample[];

beforeAll(async () => {
  example = await runExample({ openAiInstrumentation: false });
  priced = example.pricedCalls();
  samples = await scrapeSamples(example);
});
afterAll(async () => {
  await example.shutdown();
});

describe('LangChain.js + OpenInference LangChain instrumentation alone', () => {
  it('counts each of the 4 chat calls once (chain, streamed chain, both agent steps)', () => {
    const chats = example.mock.calls.filter((c) => c.api === 'chat.completions');
    expect(chats.map((c) => `${c.requestModel}:${c.reply}${c.stream ? '+stream' : ''}`)).toEqual([
      'gpt-4o-mini:text',
      'gpt-4o-mini:text+stream',
      'o4-mini:tool_call',
      'o4-mini:text',
    ]);
    expect(priced).toHaveLength(4);
    expect(sumOf(samples, 'llm_requests_total')).toBe(4);
  });

  it('prices each chat call exactly: cache reads and reasoning come from LangChain usage_metadata', () => {
    priced.forEach((call, i) => {
      const mockCall = example.mock.calls[i]!;
      expect(call.dialect).toBe('openinference');
      expect(call.inputTokens).toBe(mockCall.usage.inputTokens);
      expect(call.outputTokens).toBe(mockCall.usage.outputTokens);
      expectUsd(call.costUsd, trueCost(mockCall));
    });
  });

  it('documents the gaps: no embeddings span, no provider or response model label', () => {
    const embeddings = example.mock.calls.filter((c) => c.api === 'embeddings');
    expect(embeddings).toHaveLength(1);
    expectUsd(sumOf(samples, 'llm_cost_usd_total'), totalOf(example.mock.calls.map(trueCost)) - trueCost(embeddings[0]!));
    expect(labelSets(samples, 'llm_cost_usd_total', ['service_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model'])).toEqual([
      `${SERVICE_NAME}||gpt-4o-mini|`,
      `${SERVICE_NAME}||o4-mini|`,
    ]);
  });
});
