// Two instrumentations tracing one request, through a real TracerProvider, MeterProvider and
// Prometheus exporter: the copy with the cache counts is recorded, whichever ends first.
// Prices: OpenAI list prices per million tokens for gpt-4o-mini (https://platform.openai.com/docs/pricing,
// read 2025-10, unchanged since its launch on 2024-07-18): input $0.15, cached input $0.075, output $0.60.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHarness } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';
import { expectUsd } from '../examples/helpers.js';

let h: Harness;
afterEach(async () => h?.close());

const OPENINFERENCE_OPENAI = '@arizeai/openinference-instrumentation-openai';
const CONTRIB_OPENAI = '@opentelemetry/instrumentation-openai';

/** The OpenInference span (started first, around the client call): cache reads reported. */
const outer = {
  'openinference.span.kind': 'LLM',
  'llm.provider': 'openai',
  'llm.model_name': 'gpt-4o-mini',
  'llm.token_count.prompt': 1200,
  'llm.token_count.prompt_details.cache_read': 1024,
  'llm.token_count.completion': 50,
};
/** The contrib span of the same request: no cache key, but the response snapshot. */
const inner = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.system': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
  'gen_ai.usage.input_tokens': 1200,
  'gen_ai.usage.output_tokens': 50,
};
const EXACT = ((1200 - 1024) * 0.15 + 1024 * 0.075 + 50 * 0.6) / 1e6; // $0.0001332
const WITHOUT_CACHE = (1200 * 0.15 + 50 * 0.6) / 1e6; // $0.00021

describe('the richer copy of a call, in-process', () => {
  it('holds the inner copy while the outer LLM span is open, then records the outer one (exact)', async () => {
    h = createHarness();
    const parent = h.start('ChatCompletion', outer, undefined, OPENINFERENCE_OPENAI);
    h.emit('chat gpt-4o-mini', inner, parent, CONTRIB_OPENAI);
    // Held: nothing recorded while a copy of it may still end.
    expect(await h.value('llm_requests_total')).toBe(0);
    parent.end();

    const text = await h.exposition();
    const labels = 'service_name="checkout",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",gen_ai_response_model="gpt-4o-mini-2024-07-18",gen_ai_operation_name="chat"';
    const scope = 'otel_scope_name="otel-llm-cost",otel_scope_version="0.1.0"';
    expect(text.split('\n').filter((l) => /^llm_(cost_usd_total|requests_total|tokens_total)\{/.test(l))).toEqual([
      `llm_cost_usd_total{${labels},${scope}} ${EXACT}`,
      `llm_tokens_total{${labels},llm_token_type="input",llm_priced="true",${scope}} 176`,
      `llm_tokens_total{${labels},llm_token_type="cache_read",llm_priced="true",${scope}} 1024`,
      `llm_tokens_total{${labels},llm_token_type="output",llm_priced="true",${scope}} 50`,
      `llm_requests_total{${labels},llm_priced="true",${scope}} 1`,
    ]);
    expectUsd(await h.value('llm_cost_usd_total'), 0.0001332);
    expect(EXACT).toBeLessThan(WITHOUT_CACHE);
  });

  it('records a call held under a span that never ends after 60 s, with no other span ending', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      h = createHarness({ analytics: false });
      const never = h.start('ChatCompletion', outer, undefined, OPENINFERENCE_OPENAI);
      h.emit('chat gpt-4o-mini', inner, never, CONTRIB_OPENAI);
      vi.advanceTimersByTime(59_000);
      expect(await h.value('llm_requests_total')).toBe(0);
      vi.advanceTimersByTime(1_000);
      // Recorded as it is (the copy that could be richer never ended): the contrib copy's counts.
      expect(await h.value('llm_requests_total')).toBe(1);
      expectUsd(await h.value('llm_cost_usd_total'), WITHOUT_CACHE);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the richer copy when the outer span ends first (its child is then the copy)', async () => {
    h = createHarness();
    const parent = h.start('ChatCompletion', inner, undefined, CONTRIB_OPENAI);
    const child = h.start('anthropic-style sdk span', { ...inner, 'gen_ai.usage.cache_read.input_tokens': 1024 }, parent, 'sdk-own-tracing');
    parent.end();
    expect(await h.value('llm_requests_total')).toBe(0);
    child.end();
    expect(await h.value('llm_requests_total')).toBe(1);
    expectUsd(await h.value('llm_cost_usd_total'), EXACT);
    expect(await h.value('llm_tokens_total', { llm_token_type: 'cache_read' })).toBe(1024);
  });

  it('records a held call when the span it waited for ends as no call at all', async () => {
    h = createHarness();
    // OpenInference's LangChain tracer starts its spans without attributes: a possible call.
    const run = h.start('RunnableSequence', {}, undefined, '@arizeai/openinference-instrumentation-langchain');
    h.emit('chat gpt-4o-mini', inner, run, CONTRIB_OPENAI);
    expect(await h.value('llm_requests_total')).toBe(0);
    run.end(); // still no attributes: not an LLM span, not a wrapper
    expect(await h.value('llm_requests_total')).toBe(1);
    expectUsd(await h.value('llm_cost_usd_total'), WITHOUT_CACHE);
  });

  it('records a call at once when no other call span of its trace is open (nothing held)', async () => {
    h = createHarness();
    const root = h.start('POST /chat', { 'http.request.method': 'POST' });
    h.emit('chat gpt-4o-mini', inner, root, CONTRIB_OPENAI);
    expect(await h.value('llm_requests_total')).toBe(1);
    expectUsd(await h.value('llm_cost_usd_total'), WITHOUT_CACHE);
    root.end();
  });

  it('keeps two calls under one LLM span apart: both recorded, the parent not (never a sum)', async () => {
    h = createHarness();
    const parent = h.start('ChatCompletion', outer, undefined, OPENINFERENCE_OPENAI);
    h.emit('chat 1', inner, parent, CONTRIB_OPENAI);
    h.emit('chat 2', inner, parent, CONTRIB_OPENAI);
    parent.end();
    expect(await h.value('llm_requests_total')).toBe(2);
    expectUsd(await h.value('llm_cost_usd_total'), 2 * WITHOUT_CACHE);
  });

  it('records a held call at forceFlush when the span it waits for never ends, and after 60 s at the next span end', async () => {
    let now = 1_700_000_000_000;
    h = createHarness({ clock: () => now });
    h.start('ChatCompletion', outer, undefined, OPENINFERENCE_OPENAI); // never ended
    const leaked = h.start('ChatCompletion', outer, undefined, OPENINFERENCE_OPENAI); // never ended either
    h.emit('chat gpt-4o-mini', inner, leaked, CONTRIB_OPENAI);
    expect(await h.value('llm_requests_total')).toBe(0);
    now += 60_000;
    h.emit('GET /health', { 'gen_ai.operation.name': 'execute_tool' });
    expect(await h.value('llm_requests_total')).toBe(1);

    const other = h.start('ChatCompletion', outer, undefined, OPENINFERENCE_OPENAI);
    h.emit('chat again', inner, other, CONTRIB_OPENAI);
    expect(await h.value('llm_requests_total')).toBe(1);
    await h.processor.forceFlush();
    expect(await h.value('llm_requests_total')).toBe(2);
    expectUsd(await h.value('llm_cost_usd_total'), 2 * WITHOUT_CACHE);
  });
});
