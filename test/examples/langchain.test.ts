// Scenario 4: LangChain.js traced by OpenInference (LLM spans from LangChain callbacks) AND
// the OpenAI client traced by @opentelemetry/instrumentation-openai (GenAI spans).
//
// Measured: the two spans of one call are NOT nested in the span tree. The OpenInference
// LangChain tracer never makes its span the active context, so the OpenAI span's parent is
// whatever was active when the chain started (here the app's request span), and "deepest
// wins" cannot see that they are the same call. dedupeUnnestedCopies (on by default) matches
// them instead: same trace, different scope, same model, the OpenAI span's time range inside
// the LangChain span's. The OpenAI span ends first, so it is the copy counted; the LangChain
// span is absorbed. That copy has no cache-read key: the two calls that read 1024 cached
// tokens are priced at the full input rate (+$0.0009216 over the $0.0031094 billed).
// With dedupeUnnestedCopies: false each chat call is counted twice again (9 for 5 requests).
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAME, runExample } from '../../examples/langchain/app.js';
import { totalOf, trueCost } from '../../examples/shared/expected.js';
import type { Example } from '../../examples/shared/harness.js';
import { sumOf, type Sample } from '../../examples/shared/prometheus.js';
import type { PricedCall } from '../../src/index.js';
import { expectUsd, labelSets, nestedInTime, scrapeSamples } from './helpers.js';

const LANGCHAIN_SCOPE = '@arizeai/openinference-instrumentation-langchain';
const OPENAI_SCOPE = '@opentelemetry/instrumentation-openai';

/** What each mock call billed (genai-prices on the full usage, cache reads at the cache rate). */
const BILLED = [0.00017715, 0.00010125, 0.0019019, 0.0009284, 0.0000007];
/** What the kept OpenAI span of each call costs: no cache key, so cache reads at the input rate. */
const KEPT = [0.00017715, 0.00017805, 0.0019019, 0.0017732, 0.0000007];

let example: Example;
let priced: PricedCall[];
let samples: Sample[];
let spans: ReadableSpan[];
/** The OpenInference LLM span (LangChain) and the GenAI span (OpenAI client) of each chat call. */
let pairs: Array<{ langchain: ReadableSpan; openai: ReadableSpan }>;
/** Indexes of the chat calls whose two spans are not nested in time (normally none, see helpers.ts). */
let unnested: number[];

beforeAll(async () => {
  example = await runExample();
  priced = example.pricedCalls();
  samples = await scrapeSamples(example);
  spans = example.spans.getFinishedSpans();
  const llm = spans.filter((s) => s.instrumentationScope.name === LANGCHAIN_SCOPE && s.attributes['openinference.span.kind'] === 'LLM');
  const chats = spans.filter((s) => s.instrumentationScope.name === OPENAI_SCOPE && s.name.startsWith('chat '));
  pairs = chats.map((openai, i) => ({ openai, langchain: llm[i]! }));
  unnested = pairs.flatMap((p, i) => (nestedInTime(p.openai, p.langchain) ? [] : [i]));
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

  it('pairs each OpenAI span with a LangChain span of the same trace and model that ends after it', () => {
    expect(pairs).toHaveLength(4);
    for (const { openai, langchain } of pairs) {
      expect(langchain.spanContext().traceId).toBe(openai.spanContext().traceId);
      expect(langchain.attributes['llm.model_name']).toBe(openai.attributes['gen_ai.request.model']);
      // End order (what the in-process processor sees): the OpenAI span first.
      expect(spans.indexOf(openai)).toBeLessThan(spans.indexOf(langchain));
    }
  });

  it('counts each of the 5 requests once: the OpenAI (gen_ai) copy is kept, the LangChain copy absorbed', () => {
    expect(example.mock.calls).toHaveLength(5);
    // The LangChain span of a chat call would only survive if the ms-granular span times made
    // the pair overlap without nesting; then it is counted right after its OpenAI span.
    const expected = [0, 1, 2, 3].flatMap((i) => (unnested.includes(i) ? ['gen_ai', 'openinference'] : ['gen_ai']));
    expect(priced.map((c) => c.dialect)).toEqual([...expected, 'gen_ai']);
    expect(sumOf(samples, 'llm_requests_total')).toBe(5 + unnested.length);
    if (unnested.length === 0) {
      expect(priced).toHaveLength(example.mock.calls.length);
      expect(sumOf(samples, 'llm_requests_total')).toBe(example.mock.calls.length);
    }
  });

  it('prices each kept call with calcPrice on what its span carries: cache reads at the full input rate (+$0.0009216)', () => {
    const kept = priced.filter((c) => c.dialect === 'gen_ai');
    expect(kept).toHaveLength(5);
    kept.forEach((call, i) => {
      const mockCall = example.mock.calls[i]!;
      expect(call.provider).toBe('openai');
      expect(call.responseModel).toBe(mockCall.responseModel);
      expect(call.inputTokens).toBe(mockCall.usage.inputTokens);
      expect(call.outputTokens ?? 0).toBe(mockCall.usage.outputTokens); // embeddings: no output key
      // The contrib span has no cache-read (and no reasoning) key.
      expect(call.cacheReadTokens).toBeUndefined();
      expect(call.reasoningTokens).toBeUndefined();
      const carried = calcPrice({ input_tokens: mockCall.usage.inputTokens, output_tokens: mockCall.usage.outputTokens }, call.responseModel!, { providerId: 'openai' });
      expectUsd(call.costUsd, carried!.total_price);
      expectUsd(call.costUsd, KEPT[i]!);
      expectUsd(trueCost(mockCall), BILLED[i]!);
    });
    // Calls 2 and 4 read 1024 cached tokens each; the kept span prices them as plain input.
    expect(example.mock.calls.map((c) => c.usage.cacheReadTokens)).toEqual([0, 1024, 0, 1024, 0]);
    expectUsd(KEPT[1]! - BILLED[1]!, (1024 * (0.15 - 0.075)) / 1e6); // gpt-4o-mini: +$0.0000768
    expectUsd(KEPT[3]! - BILLED[3]!, (1024 * (1.1 - 0.275)) / 1e6); // o4-mini: +$0.0008448
    // Reasoning is inside the output count, so those calls are exact without the key.
    expect(example.mock.calls.map((c) => c.usage.reasoningTokens)).toEqual([0, 0, 128, 64, 0]);

    const billed = totalOf(example.mock.calls.map(trueCost));
    expectUsd(billed, 0.0031094);
    expectUsd(totalOf(kept.map((c) => c.costUsd!)), 0.004031);
    expectUsd(totalOf(kept.map((c) => c.costUsd!)) - billed, 0.0009216);
    // Any LangChain copy that was not absorbed carries the exact (cached) usage.
    const extra = priced.filter((c) => c.dialect === 'openinference');
    extra.forEach((call, k) => expectUsd(call.costUsd, trueCost(example.mock.calls[unnested[k]!]!)));
    expectUsd(sumOf(samples, 'llm_cost_usd_total'), 0.004031 + totalOf(unnested.map((i) => BILLED[i]!)));
    if (unnested.length === 0) {
      expectUsd(sumOf(samples, 'llm_cost_usd_total'), 0.004031);
      expect(sumOf(samples, 'llm_tokens_total', { llm_token_type: 'cache_read' })).toBe(0);
    }
  });

  it('labels: every counted call has the provider and response model of the OpenAI span', () => {
    const sets = labelSets(samples, 'llm_requests_total', ['service_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model', 'gen_ai_operation_name']);
    const kept = [
      `${SERVICE_NAME}|openai|gpt-4o-mini|gpt-4o-mini-2024-07-18|chat`,
      `${SERVICE_NAME}|openai|o4-mini|o4-mini-2025-04-16|chat`,
      `${SERVICE_NAME}|openai|text-embedding-3-small|text-embedding-3-small|embeddings`,
    ];
    if (unnested.length === 0) expect(sets).toEqual(kept);
    else expect(sets.filter((s) => s.includes('|openai|'))).toEqual(kept);
  });

  it('with dedupeUnnestedCopies: false, each chat call is counted twice again (9 for 5 requests, $0.0071397)', () => {
    const both = example.pricedCalls({ dedupeUnnestedCopies: false });
    expect(both.map((c) => c.dialect)).toEqual(['gen_ai', 'openinference', 'gen_ai', 'openinference', 'gen_ai', 'openinference', 'gen_ai', 'openinference', 'gen_ai']);
    [0, 1, 2, 3].forEach((i) => {
      expectUsd(both[2 * i]!.costUsd, KEPT[i]!);
      // LangChain's usage_metadata carries cache reads and reasoning: the billed cost.
      expectUsd(both[2 * i + 1]!.costUsd, BILLED[i]!);
    });
    expectUsd(both[8]!.costUsd, BILLED[4]!);
    expectUsd(totalOf(both.map((c) => c.costUsd!)), 0.0071397);
  });
});
