// Scenario 4: LangChain.js traced by OpenInference (LLM spans from LangChain callbacks) AND
// the OpenAI client traced by @opentelemetry/instrumentation-openai (GenAI spans).
//
// Measured: the two spans of one call are NOT nested. The OpenInference LangChain tracer
// never makes its span the active context, so the OpenAI span's parent is whatever was
// active when the chain started (here the app's request span). "Deepest wins" cannot see
// that they are the same call, so each chat call is counted twice. The test pins the exact
// double count; examples/README.md documents it and how to avoid it.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAME, runExample } from '../../examples/langchain/app.js';
import { priceUsage, totalOf, trueCost } from '../../examples/shared/expected.js';
import type { Example } from '../../examples/shared/harness.js';
import { sumOf, type Sample } from '../../examples/shared/prometheus.js';
import type { PricedCall } from '../../src/index.js';
import { expectUsd, labelSets, scrapeSamples } from './helpers.js';

const LANGCHAIN_SCOPE = '@arizeai/openinference-instrumentation-langchain';
const OPENAI_SCOPE = '@opentelemetry/instrumentation-openai';

let example: Example;
let priced: PricedCall[];
let samples: Sample[];
let spans: ReadableSpan[];

beforeAll(async () => {
  example = await runExample();
  priced = example.pricedCalls();
  samples = await scrapeSamples(example);
  spans = example.spans.getFinishedSpans();
});
afterAll(async () => {
  await example.shutdown();
});

function ancestors(span: ReadableSpan): string[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const out: string[] = [];
  for (let id = span.parentSpanContext?.spanId; id !== undefined; id = byId.get(id)?.parentSpanContext?.spanId) out.push(id);
  return out;
}

describe('LangChain.js + OpenInference LangChain + OpenTelemetry OpenAI instrumentation', () => {
  it('emits an OpenInference LLM span and a GenAI span per chat call, not nested in each other', () => {
    const llm = spans.filter((s) => s.instrumentationScope.name === LANGCHAIN_SCOPE && s.attributes['openinference.span.kind'] === 'LLM');
    const genai = spans.filter((s) => s.instrumentationScope.name === OPENAI_SCOPE);
    expect(llm).toHaveLength(4);
    expect(genai.map((s) => s.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini', 'chat o4-mini', 'chat o4-mini', 'embeddings text-embedding-3-small']);
    const root = spans.find((s) => s.name === 'handle-request')!;
    for (const span of genai) {
      expect(span.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      for (const l of llm) expect(ancestors(span)).not.toContain(l.spanContext().spanId);
    }
  });

  it('documents the double count: 5 requests, 9 counted calls (each chat call twice, embeddings once)', () => {
    expect(example.mock.calls).toHaveLength(5);
    expect(priced.map((c) => c.dialect)).toEqual(['gen_ai', 'openinference', 'gen_ai', 'openinference', 'gen_ai', 'openinference', 'gen_ai', 'openinference', 'gen_ai']);
    expect(sumOf(samples, 'llm_requests_total')).toBe(9);
  });

  it('prices each copy exactly from what its span carries', () => {
    const chats = example.mock.calls.slice(0, 4);
    chats.forEach((mockCall, i) => {
      const genai = priced[2 * i]!;
      const langchain = priced[2 * i + 1]!;
      // GenAI span: no cache attribute -> cache reads at the input rate.
      expectUsd(genai.costUsd, priceUsage('openai', mockCall.responseModel, mockCall.usage, { cacheRead: false, cacheWrite: false }));
      // LangChain span: usage_metadata carries cache reads and reasoning -> the true cost.
      expect(langchain.cacheReadTokens).toBe(mockCall.usage.cacheReadTokens > 0 ? mockCall.usage.cacheReadTokens : undefined);
      expect(langchain.reasoningTokens).toBe(mockCall.usage.reasoningTokens > 0 ? mockCall.usage.reasoningTokens : undefined);
      expectUsd(langchain.costUsd, trueCost(mockCall));
    });
    expectUsd(priced[8]!.costUsd, trueCost(example.mock.calls[4]!));
    const billed = totalOf(example.mock.calls.map(trueCost));
    expectUsd(billed, 0.0031094);
    expectUsd(sumOf(samples, 'llm_cost_usd_total'), 0.0071397);
  });

  it('labels: the LangChain copies have no provider and no response model', () => {
    expect(labelSets(samples, 'llm_requests_total', ['service_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model', 'gen_ai_operation_name'])).toEqual([
      `${SERVICE_NAME}|openai|gpt-4o-mini|gpt-4o-mini-2024-07-18|chat`,
      `${SERVICE_NAME}|openai|o4-mini|o4-mini-2025-04-16|chat`,
      `${SERVICE_NAME}|openai|text-embedding-3-small|text-embedding-3-small|embeddings`,
      `${SERVICE_NAME}||gpt-4o-mini||chat`,
      `${SERVICE_NAME}||o4-mini||chat`,
    ]);
  });
});
