// Anthropic Messages API (input_tokens EXCLUDES the cache on the wire) traced by the tracing
// built into @anthropic-ai/sdk, by OpenInference, and by both at once; plus the Vercel AI SDK
// with @ai-sdk/anthropic. Each library reports an inclusive input count and the cache tokens.
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { calcPrice } from '@pydantic/genai-prices';
import { beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAME, runExample, type AnthropicTracing } from '../../examples/anthropic/app.js';
import { totalOf, trueCost } from '../../examples/shared/expected.js';
import type { Example } from '../../examples/shared/harness.js';
import { sumOf, type Sample } from '../../examples/shared/prometheus.js';
import { type PricedCall } from '../../src/index.js';
import { CostPipeline } from '../../src/pipeline.js';
import { spanInputFromReadable } from '../../src/readable-span.js';
import { validateOptions } from '../../src/options-validate.js';
import { expectUsd, labelSets, scrapeSamples } from './helpers.js';

interface Run {
  example: Example;
  /** Copied before shutdown (the in-memory exporter forgets its spans when shut down). */
  spans: ReadableSpan[];
  priced: PricedCall[];
  /** The same spans replayed with dedupeUnnestedCopies: false. */
  pricedWithoutUnnested: PricedCall[];
  samples: Sample[];
}

async function run(tracing: AnthropicTracing): Promise<Run> {
  const example = await runExample(tracing);
  const result = {
    example,
    spans: [...example.spans.getFinishedSpans()],
    priced: example.pricedCalls(),
    pricedWithoutUnnested: example.pricedCalls({ dedupeUnnestedCopies: false }),
    samples: await scrapeSamples(example),
  };
  await example.shutdown();
  return result;
}

const runs = {} as Record<AnthropicTracing, Run>;
beforeAll(async () => {
  // One after the other: each run unloads its instrumentation at shutdown.
  for (const tracing of ['sdk', 'openinference', 'both'] as const) runs[tracing] = await run(tracing);
});

function expectExact({ example, priced, samples }: Run): void {
  expect(priced).toHaveLength(6);
  priced.forEach((call, i) => {
    const mockCall = example.mock.calls[i]!;
    expect(call.inputTokens).toBe(mockCall.usage.inputTokens);
    expect(call.cacheReadTokens ?? 0).toBe(mockCall.usage.cacheReadTokens);
    expect(call.cacheWriteTokens ?? 0).toBe(mockCall.usage.cacheWriteTokens);
    expect(call.outputTokens).toBe(mockCall.usage.outputTokens);
    expectUsd(call.costUsd, trueCost(mockCall));
  });
  expectUsd(sumOf(samples, 'llm_cost_usd_total'), totalOf(example.mock.calls.map(trueCost)));
  expect(sumOf(samples, 'llm_requests_total')).toBe(6);
}

describe('Anthropic: tracing built into @anthropic-ai/sdk', () => {
  it('reports gen_ai.usage.input_tokens inclusive of the cache, with cache_read/cache_write keys', () => {
    const { example, spans } = runs.sdk;
    const sdkSpans = spans.filter((s) => s.instrumentationScope.name === 'com.anthropic.sdk.typescript');
    expect(sdkSpans).toHaveLength(4);
    const first = sdkSpans[0]!.attributes;
    // On the wire: input_tokens 14, cache_creation_input_tokens 1103.
    expect(first['gen_ai.usage.input_tokens']).toBe(1117);
    expect(first['gen_ai.usage.cache_write.input_tokens']).toBe(1103);
    expect(first['gen_ai.usage.cache_read.input_tokens']).toBe(0);
    expect(example.mock.calls[0]!.usage).toEqual({ inputTokens: 1117, cacheReadTokens: 0, cacheWriteTokens: 1103, outputTokens: 15, reasoningTokens: 0 });
  });

  it('prices all 6 calls exactly (cache writes, reads, streaming, extended thinking, Vercel AI SDK)', () => {
    expectExact(runs.sdk);
    // Extended thinking is billed as output; Anthropic reports no separate thinking count.
    expect(runs.sdk.example.mock.calls[3]!.usage.reasoningTokens).toBe(128);
    expect(runs.sdk.priced[3]!.outputTokens).toBe(143);
    expectUsd(sumOf(runs.sdk.samples, 'llm_cost_usd_total'), 0.0081184);
    // One instrumentation per call: dedupeUnnestedCopies changes nothing.
    expect(runs.sdk.pricedWithoutUnnested).toEqual(runs.sdk.priced);
  });

  it('labels provider, request and response models', () => {
    expect(labelSets(runs.sdk.samples, 'llm_cost_usd_total', ['service_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model'])).toEqual([
      `${SERVICE_NAME}|anthropic|claude-haiku-4-5|claude-haiku-4-5-20251001`,
      `${SERVICE_NAME}|anthropic|claude-sonnet-4-6|claude-sonnet-4-6`,
    ]);
    expect(sumOf(runs.sdk.samples, 'llm_tokens_total', { llm_token_type: 'cache_write' })).toBe(2 * 1103);
    expect(sumOf(runs.sdk.samples, 'llm_tokens_total', { llm_token_type: 'cache_read' })).toBe(4 * 1103);
  });
});

describe('Anthropic: @arizeai/openinference-instrumentation-anthropic (SDK tracing off)', () => {
  it('adds the cache to llm.token_count.prompt and prices all 6 calls exactly', () => {
    const llm = runs.openinference.spans.filter((s) => s.attributes['openinference.span.kind'] === 'LLM');
    expect(llm).toHaveLength(4);
    expect(llm[0]!.attributes['llm.token_count.prompt']).toBe(1117);
    expect(llm[0]!.attributes['llm.token_count.prompt_details.cache_write']).toBe(1103);
    expectExact(runs.openinference);
    expect(runs.openinference.pricedWithoutUnnested).toEqual(runs.openinference.priced);
  });
});

describe('Anthropic: OpenInference and the SDK tracing at once', () => {
  /** What each of the 6 mock calls billed (genai-prices on the full usage). */
  const BILLED = [0.00440325, 0.0006189, 0.0005829, 0.00210775, 0.0001993, 0.0002063];

  it('nests the SDK span under the OpenInference span, but the parent ends first', () => {
    const spans = runs.both.spans.filter((s) => !s.name.startsWith('ai.'));
    expect(spans.map((s) => s.instrumentationScope.name)).toEqual(
      Array.from({ length: 4 }, () => ['@arizeai/openinference-instrumentation-anthropic', 'com.anthropic.sdk.typescript']).flat(),
    );
    for (let i = 0; i < spans.length; i += 2) expect(spans[i + 1]!.parentSpanContext?.spanId).toBe(spans[i]!.spanContext().spanId);
    expectUsd(totalOf(runs.both.example.mock.calls.map(trueCost)), 0.0081184);
    runs.both.example.mock.calls.forEach((c, i) => expectUsd(trueCost(c), BILLED[i]!));
  });

  // In process the OpenInference span ends first and is counted before its child ends, so
  // "deepest wins" cannot help. The child, under a counted LLM span, is the same call (DESIGN
  // rule 2); the parent is held while the child is open (dedupe/held-calls.ts) and the richer
  // copy recorded (dedupe/richness.ts): the SDK span, which reports cache read and write counts
  // even when they are 0 (OpenInference only when > 0), as the collector keeps it.
  it('counts each call once in-process, recording the richer SDK copy (6 for 6)', () => {
    const { priced, samples, example } = runs.both;
    expect(priced.map((c) => c.dialect)).toEqual(['gen_ai', 'gen_ai', 'gen_ai', 'gen_ai', 'vercel_ai', 'vercel_ai']);
    expect(sumOf(samples, 'llm_requests_total')).toBe(6);
    // The kept SDK span carries cache reads and writes: each call at its billed price.
    priced.slice(0, 4).forEach((call, i) => {
      const usage = example.mock.calls[i]!.usage;
      expect(call.inputTokens).toBe(usage.inputTokens);
      expect(call.cacheReadTokens ?? 0).toBe(usage.cacheReadTokens);
      expect(call.cacheWriteTokens ?? 0).toBe(usage.cacheWriteTokens);
      expect(call.outputTokens).toBe(usage.outputTokens);
      const carried = calcPrice(
        { input_tokens: call.inputTokens, cache_read_tokens: call.cacheReadTokens ?? 0, cache_write_tokens: call.cacheWriteTokens ?? 0, output_tokens: call.outputTokens },
        call.responseModel!,
        { providerId: 'anthropic' },
      );
      expectUsd(call.costUsd, carried!.total_price);
      expectUsd(call.costUsd, BILLED[i]!);
    });
    expectExact(runs.both);
    expectUsd(sumOf(samples, 'llm_cost_usd_total'), 0.0081184);
  });

  it('does not depend on dedupeUnnestedCopies: the SDK span is a child of a counted LLM span either way', () => {
    const priced = runs.both.pricedWithoutUnnested;
    expect(priced.map((c) => c.dialect)).toEqual(['gen_ai', 'gen_ai', 'gen_ai', 'gen_ai', 'vercel_ai', 'vercel_ai']);
    priced.forEach((call, k) => expectUsd(call.costUsd, BILLED[k]!));
    expectUsd(totalOf(priced.map((c) => c.costUsd!)), 0.0081184);
  });

  it('counts each call once when the same spans arrive as one batch (the collector path), with or without the option', () => {
    for (const dedupeUnnestedCopies of [true, false]) {
      const pipeline = new CostPipeline(validateOptions({ meterProvider: new MeterProvider(), dedupeUnnestedCopies }));
      const counted = pipeline.handleBatch(runs.both.spans.map(spanInputFromReadable)).filter((c) => c !== undefined);
      // Children first: the SDK span is decided before its parent and kept ("deepest wins").
      expect(counted.map((c) => c!.dialect)).toEqual(['gen_ai', 'gen_ai', 'gen_ai', 'gen_ai', 'vercel_ai', 'vercel_ai']);
      counted.forEach((call, i) => expectUsd(call!.costUsd, BILLED[i]!));
      expectUsd(totalOf(counted.map((c) => c!.costUsd ?? 0)), 0.0081184);
    }
  });
});
