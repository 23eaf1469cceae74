// Scenario 4: LangChain.js traced by OpenInference (LLM spans from LangChain callbacks) AND
// the OpenAI client traced by @opentelemetry/instrumentation-openai (GenAI spans).
//
// Measured: the two spans of one call are NOT nested in the span tree. The OpenInference
// LangChain tracer never makes its span the active context, so the OpenAI span's parent is
// whatever was active when the chain started (here the app's request span), and "deepest
// wins" cannot see that they are the same call. dedupeUnnestedCopies (on by default) matches
// them instead: same trace, different scope, same model, the OpenAI span's time range inside
// the LangChain span's (give or take the 1 ms the SDK's Date.now() start times can be off). The OpenAI span ends first; it is held while the LangChain span is open
// (dedupe/held-calls.ts), and of the two copies the richer is recorded (dedupe/richness.ts):
// the LangChain copy where it carries cache-read or reasoning counts, with the provider and
// response model of the OpenAI copy. Every call is then priced exactly: $0.0031094 for
// $0.0031094 billed (it was $0.004031, +30%, when the copy that ended first was kept).
// With dedupeUnnestedCopies: false each chat call is counted twice again (9 for 5 requests).
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAME, runExample } from '../../examples/langchain/app.js';
import { totalOf, trueCost } from '../../examples/shared/expected.js';
import type { Example } from '../../examples/shared/harness.js';
import { sumOf, type Sample } from '../../examples/shared/prometheus.js';
import type { PricedCall } from '../../src/index.js';
import { validateOptions } from '../../src/options-validate.js';
import { CostPipeline } from '../../src/pipeline.js';
import { spanInputFromReadable } from '../../src/readable-span.js';
import { expectUsd, labelSets, scrapeSamples } from './helpers.js';

const LANGCHAIN_SCOPE = '@arizeai/openinference-instrumentation-langchain';
const OPENAI_SCOPE = '@opentelemetry/instrumentation-openai';

/**
 * OpenAI list prices per million tokens (https://platform.openai.com/docs/pricing, read
 * 2025-10; unchanged since each model's launch: gpt-4o-mini 2024-07-18, o4-mini 2025-04-16,
 * text-embedding-3-small 2024-01-25): input, cached input, output.
 */
const GPT_4O_MINI = { input: 0.15, cached: 0.075, output: 0.6 };
const O4_MINI = { input: 1.1, cached: 0.275, output: 4.4 };
const EMBEDDING_3_SMALL = { input: 0.02 };
/** What each mock call billed, from the list prices and the mock's usage (reasoning is inside output). */
const BILLED = [
  (1121 * GPT_4O_MINI.input + 15 * GPT_4O_MINI.output) / 1e6, // $0.00017715
  ((1123 - 1024) * GPT_4O_MINI.input + 1024 * GPT_4O_MINI.cached + 16 * GPT_4O_MINI.output) / 1e6, // $0.00010125
  (1189 * O4_MINI.input + 135 * O4_MINI.output) / 1e6, // $0.0019019
  ((1236 - 1024) * O4_MINI.input + 1024 * O4_MINI.cached + 94 * O4_MINI.output) / 1e6, // $0.0009284
  (35 * EMBEDDING_3_SMALL.input) / 1e6, // $0.0000007
];
/** What the OpenAI span of each call costs alone: no cache key, so cache reads at the input rate. */
const OPENAI_COPY = [BILLED[0]!, (1123 * GPT_4O_MINI.input + 16 * GPT_4O_MINI.output) / 1e6, BILLED[2]!, (1236 * O4_MINI.input + 94 * O4_MINI.output) / 1e6, BILLED[4]!];
/** The copy recorded per call: the LangChain copy where it carries a cache-read or reasoning count. */
const KEPT_DIALECT = ['gen_ai', 'openinference', 'openinference', 'openinference', 'gen_ai'];

let example: Example;
let priced: PricedCall[];
let samples: Sample[];
let spans: ReadableSpan[];
/** The OpenInference LLM span (LangChain) and the GenAI span (OpenAI client) of each chat call. */
let pairs: Array<{ langchain: ReadableSpan; openai: ReadableSpan }>;

beforeAll(async () => {
  example = await runExample();
  priced = example.pricedCalls();
  samples = await scrapeSamples(example);
  spans = example.spans.getFinishedSpans();
  const llm = spans.filter((s) => s.instrumentationScope.name === LANGCHAIN_SCOPE && s.attributes['openinference.span.kind'] === 'LLM');
  const chats = spans.filter((s) => s.instrumentationScope.name === OPENAI_SCOPE && s.name.startsWith('chat '));
  pairs = chats.map((openai, i) => ({ openai, langchain: llm[i]! }));
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

  it('counts each of the 5 requests once, recording the richer copy of each chat call', () => {
    expect(example.mock.calls).toHaveLength(5);
    // Whatever the SDK's whole-millisecond start times make of the two ranges (a pair can be
    // recorded overlapping by a fraction of a ms without nesting), each call counts once.
    expect(priced.map((c) => c.dialect)).toEqual(KEPT_DIALECT);
    expect(priced).toHaveLength(example.mock.calls.length);
    expect(sumOf(samples, 'llm_requests_total')).toBe(example.mock.calls.length);
  });

  it('prices every call exactly: $0.0031094 counted for $0.0031094 billed (was $0.004031, +30%)', () => {
    expect(example.mock.calls.map((c) => c.usage.cacheReadTokens)).toEqual([0, 1024, 0, 1024, 0]);
    expect(example.mock.calls.map((c) => c.usage.reasoningTokens)).toEqual([0, 0, 128, 64, 0]);
    example.mock.calls.forEach((c, i) => expectUsd(trueCost(c), BILLED[i]!));
    expectUsd(totalOf(BILLED), 0.0031094);
    // What keeping the copy that ended first (the OpenAI span) charged: 1024 cached tokens at
    // the full input rate on calls 2 and 4.
    expectUsd(totalOf(OPENAI_COPY) - totalOf(BILLED), (1024 * (GPT_4O_MINI.input - GPT_4O_MINI.cached) + 1024 * (O4_MINI.input - O4_MINI.cached)) / 1e6);
    expectUsd(totalOf(OPENAI_COPY), 0.004031);
    priced.forEach((call, i) => {
      const mockCall = example.mock.calls[i]!;
      expect(call.provider).toBe('openai');
      expect(call.responseModel).toBe(mockCall.responseModel);
      expect(call.inputTokens).toBe(mockCall.usage.inputTokens);
      expect(call.outputTokens ?? 0).toBe(mockCall.usage.outputTokens); // embeddings: no output key
      expect(call.cacheReadTokens ?? 0).toBe(mockCall.usage.cacheReadTokens);
      expect(call.reasoningTokens ?? 0).toBe(mockCall.usage.reasoningTokens);
      expectUsd(call.costUsd, BILLED[i]!);
    });
    // The in-process processor (metrics) records the same copies.
    expectUsd(sumOf(samples, 'llm_cost_usd_total'), 0.0031094);
    expect(sumOf(samples, 'llm_tokens_total', { llm_token_type: 'cache_read' })).toBe(2048);
    expect(sumOf(samples, 'llm_tokens_total', { llm_token_type: 'reasoning' })).toBe(192);
    expect(sumOf(samples, 'llm_tokens_total', { llm_token_type: 'input' })).toBe(1121 + 1123 - 1024 + 1189 + 1236 - 1024 + 35);
  });

  it('labels: every counted call has the provider and response model of the OpenAI span', () => {
    const sets = labelSets(samples, 'llm_requests_total', ['service_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model', 'gen_ai_operation_name']);
    const kept = [
      `${SERVICE_NAME}|openai|gpt-4o-mini|gpt-4o-mini-2024-07-18|chat`,
      `${SERVICE_NAME}|openai|o4-mini|o4-mini-2025-04-16|chat`,
      `${SERVICE_NAME}|openai|text-embedding-3-small|text-embedding-3-small|embeddings`,
    ];
    expect(sets).toEqual(kept);
  });

  it('the collector, given the same spans as one batch, records the same copies at the same total', () => {
    const pipeline = new CostPipeline(validateOptions({ meterProvider: new MeterProvider() }));
    const counted = pipeline.handleBatch(spans.map(spanInputFromReadable)).filter((c) => c !== undefined);
    void pipeline.shutdown();
    expect(counted.map((c) => c.dialect)).toEqual(KEPT_DIALECT);
    counted.forEach((call, i) => expectUsd(call.costUsd, BILLED[i]!));
    expect(counted.map((c) => c.provider)).toEqual(['openai', 'openai', 'openai', 'openai', 'openai']);
  });

  it('with dedupeUnnestedCopies: false, each chat call is counted twice again (9 for 5 requests, $0.0071397)', () => {
    const both = example.pricedCalls({ dedupeUnnestedCopies: false });
    expect(both).toHaveLength(9);
    [0, 1, 2, 3].forEach((i) => {
      // Both copies of call i, in either order (the one recorded first depends on which spans are open).
      const pair = both.slice(2 * i, 2 * i + 2).sort((a, b) => a.dialect.localeCompare(b.dialect));
      expect(pair.map((c) => c.dialect)).toEqual(['gen_ai', 'openinference']);
      expectUsd(pair[0]!.costUsd, OPENAI_COPY[i]!);
      // LangChain's usage_metadata carries cache reads and reasoning: the billed cost.
      expectUsd(pair[1]!.costUsd, BILLED[i]!);
    });
    expectUsd(both[8]!.costUsd, BILLED[4]!);
    expectUsd(totalOf(both.map((c) => c.costUsd!)), 0.0071397);
  });
});
