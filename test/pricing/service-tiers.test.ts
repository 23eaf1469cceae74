// Service tiers priced through the real processor (TracerProvider -> LlmCostSpanProcessor ->
// MeterProvider -> Prometheus exposition). Every expected figure is computed from the
// provider's list price quoted beside it, with its source and the date it was read.
import { afterEach, describe, expect, it } from 'vitest';
import { PriceBook } from '../../src/pricing/index.js';
import { createHarness } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';
import { llmCall } from './calls.js';

let h: Harness;
afterEach(async () => h?.close());

const M = 1e6;

describe('service tiers through the processor', () => {
  it('prices OpenAI flex at the flex list price and labels llm.service_tier', async () => {
    h = createHarness();
    // o3 Flex: $1.00 input, $0.25 cached input, $4.00 output per 1M tokens
    // (https://platform.openai.com/docs/pricing, Flex table, public copy of 2025-11).
    h.emit('chat o3', {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'o3',
      'openai.request.service_tier': 'flex',
      'openai.response.service_tier': 'flex',
      'gen_ai.usage.input_tokens': 10_000,
      'gen_ai.usage.cache_read.input_tokens': 2_000,
      'gen_ai.usage.output_tokens': 5_000,
      'gen_ai.usage.reasoning.output_tokens': 3_000,
    });
    const expected = (8_000 * 1 + 2_000 * 0.25 + 5_000 * 4) / M;
    expect(await h.value('llm_cost_usd_total', { llm_service_tier: 'flex', gen_ai_request_model: 'o3' })).toBeCloseTo(expected, 12);
    expect(await h.value('llm_cost_usd_total')).toBeCloseTo(0.0285, 12);
  });

  it('prices OpenAI priority from the priority list (deprecated gen_ai.openai.* key); standard calls carry no tier label', async () => {
    h = createHarness();
    // gpt-5 Priority: $2.50 input, $0.25 cached input, $20.00 output per 1M tokens
    // (https://platform.openai.com/docs/pricing, Priority table, public copy of 2025-11).
    // gpt-5 Standard: $1.25 / $0.125 / $10.00.
    const attrs = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-5',
      'gen_ai.usage.input_tokens': 20_000,
      'gen_ai.usage.cache_read.input_tokens': 5_000,
      'gen_ai.usage.output_tokens': 4_000,
    };
    h.emit('chat gpt-5', { ...attrs, 'gen_ai.openai.response.service_tier': 'priority' });
    h.emit('chat gpt-5', { ...attrs, 'gen_ai.openai.request.service_tier': 'auto', 'gen_ai.openai.response.service_tier': 'default' });
    expect(await h.value('llm_cost_usd_total', { llm_service_tier: 'priority' })).toBeCloseTo((15_000 * 2.5 + 5_000 * 0.25 + 4_000 * 20) / M, 12);
    expect(await h.value('llm_cost_usd_total')).toBeCloseTo(0.11875 + (15_000 * 1.25 + 5_000 * 0.125 + 4_000 * 10) / M, 12);
    const text = await h.exposition();
    const standard = text.split('\n').filter((l) => l.startsWith('llm_cost_usd_total{') && !l.includes('llm_service_tier'));
    expect(standard).toHaveLength(1);
    expect(standard[0]).toContain('gen_ai_request_model="gpt-5"');
  });

  it('reads the tier from Vercel AI SDK provider metadata (Anthropic batch at half price)', async () => {
    h = createHarness();
    // Claude Sonnet 4.5 Batch: $1.50 input, $7.50 output per 1M tokens, 50% of $3 / $15
    // (https://platform.claude.com/docs/en/about-claude/pricing, Batch processing, public copy of 2026-03).
    h.emit(
      'ai.generateText.doGenerate',
      {
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.model.provider': 'anthropic.messages',
        'ai.model.id': 'claude-sonnet-4-5',
        'ai.usage.inputTokens': 10_000,
        'ai.usage.outputTokens': 1_000,
        'ai.response.providerMetadata': JSON.stringify({ anthropic: { usage: { input_tokens: 10_000, output_tokens: 1_000, service_tier: 'batch' } } }),
      },
      undefined,
      'ai',
    );
    expect(await h.value('llm_cost_usd_total', { llm_service_tier: 'batch' })).toBeCloseTo((10_000 * 1.5 + 1_000 * 7.5) / M, 12);
  });

  it("reads the requested tier from OpenInference's llm.invocation_parameters", async () => {
    h = createHarness();
    // gpt-5-mini Flex: $0.125 input, $1.00 output per 1M tokens (half of $0.25 / $2.00;
    // https://platform.openai.com/docs/pricing, Flex table, public copy of 2025-11).
    h.emit(
      'ChatCompletion',
      {
        'openinference.span.kind': 'LLM',
        'llm.provider': 'openai',
        'llm.model_name': 'gpt-5-mini',
        'llm.invocation_parameters': JSON.stringify({ model: 'gpt-5-mini', service_tier: 'flex' }),
        'llm.token_count.prompt': 10_000,
        'llm.token_count.completion': 2_000,
      },
      undefined,
      '@arizeai/openinference-instrumentation-openai',
    );
    expect(await h.value('llm_cost_usd_total', { llm_service_tier: 'flex' })).toBeCloseTo((10_000 * 0.125 + 2_000 * 1) / M, 12);
  });
});

describe('service tiers in the PriceBook', () => {
  const at = (iso: string) => Date.parse(iso);

  it('prices Gemini batch at half the standard price', () => {
    // gemini-2.5-flash: $0.30 input / $2.50 output standard (the bundled catalog), half in batch
    // ("Batch jobs are priced at 50% less than the standard rate", Google's blog of 2025-07-07).
    const priced = new PriceBook().price(
      llmCall({ provider: 'gcp.gemini', requestModel: 'gemini-2.5-flash', serviceTier: 'batch', inputTokens: 100_000, outputTokens: 10_000, startTimeMs: at('2025-09-01') }),
    );
    expect(priced.costUsd).toBeCloseTo((100_000 * 0.15 + 10_000 * 1.25) / M, 12);
  });

  it('prices OpenAI batch at half, and a tier before its start date at the standard price', () => {
    const book = new PriceBook();
    // gpt-4o: $2.50 / $10.00 standard, $1.25 / $5.00 batch (https://platform.openai.com/docs/pricing, public copy of 2025-11).
    const call = { provider: 'openai', requestModel: 'gpt-4o', inputTokens: 100_000, outputTokens: 10_000 };
    expect(book.price(llmCall({ ...call, serviceTier: 'batch', startTimeMs: at('2025-06-01') })).costUsd).toBeCloseTo((100_000 * 1.25 + 10_000 * 5) / M, 12);
    // Priority for gpt-5 is in the table from 2025-08-07: a call dated earlier pays standard.
    const gpt5 = { provider: 'openai', requestModel: 'gpt-5', inputTokens: 10_000, outputTokens: 1_000, serviceTier: 'priority' as const };
    expect(book.price(llmCall({ ...gpt5, startTimeMs: at('2025-08-01') })).costUsd).toBeCloseTo((10_000 * 1.25 + 1_000 * 10) / M, 12);
    expect(book.price(llmCall({ ...gpt5, startTimeMs: at('2025-09-01') })).costUsd).toBeCloseTo((10_000 * 2.5 + 1_000 * 20) / M, 12);
    // gpt-4o-2024-05-13 has its own catalog entry and its own Priority row: $8.75 / $26.25 per 1M
    // (no cached price), against $5.00 / $15.00 standard (same copy of the pricing page).
    const old4o = { provider: 'openai', requestModel: 'gpt-4o-2024-05-13', inputTokens: 10_000, outputTokens: 1_000, startTimeMs: at('2025-09-01') };
    expect(book.price(llmCall({ ...old4o, serviceTier: 'priority' })).costUsd).toBeCloseTo((10_000 * 8.75 + 1_000 * 26.25) / M, 12);
    expect(book.price(llmCall(old4o)).costUsd).toBeCloseTo((10_000 * 5 + 1_000 * 15) / M, 12);
  });

  it('prices a tier without a list price (OpenAI scale, Anthropic priority) at the standard price', () => {
    const book = new PriceBook();
    const standard = book.price(llmCall({ provider: 'anthropic', requestModel: 'claude-sonnet-4-5', inputTokens: 10_000, outputTokens: 1_000 }));
    const priority = book.price(llmCall({ provider: 'anthropic', requestModel: 'claude-sonnet-4-5', inputTokens: 10_000, outputTokens: 1_000, serviceTier: 'priority' }));
    expect(priority.costUsd).toBe(standard.costUsd);
    expect(priority.serviceTier).toBe('priority');
  });

  it('lets prices.tiers add or replace tier prices, the most specific entry winning, before the multiplier', () => {
    const book = new PriceBook({
      tiers: [
        { tier: 'priority', provider: 'anthropic', multiplier: 1.25 },
        { tier: 'flex', provider: 'openai', model: 'o3', inputPerMTok: 0.9, outputPerMTok: 3.5 },
      ],
      multipliers: { openai: 0.9 },
    });
    const sonnet = book.price(llmCall({ provider: 'anthropic', requestModel: 'claude-sonnet-4-5', inputTokens: 10_000, outputTokens: 1_000, serviceTier: 'priority' }));
    expect(sonnet.costUsd).toBeCloseTo(((10_000 * 3 + 1_000 * 15) / M) * 1.25, 12);
    const o3 = book.price(llmCall({ provider: 'openai', requestModel: 'o3', inputTokens: 10_000, outputTokens: 1_000, serviceTier: 'flex', startTimeMs: at('2025-09-01') }));
    expect(o3.costUsd).toBeCloseTo(((10_000 * 0.9 + 1_000 * 3.5) / M) * 0.9, 12);
    // Another OpenAI model on flex still gets the table's 50%, times the multiplier.
    const gpt5 = book.price(llmCall({ provider: 'openai', requestModel: 'gpt-5', inputTokens: 10_000, outputTokens: 1_000, serviceTier: 'flex', startTimeMs: at('2025-09-01') }));
    expect(gpt5.costUsd).toBeCloseTo(((10_000 * 0.625 + 1_000 * 5) / M) * 0.9, 12);
  });

  it('rejects a bad tier entry at start, naming the field', () => {
    expect(() => new PriceBook({ tiers: [{ tier: 'turbo' as never, multiplier: 2 }] })).toThrow(/prices\.tiers\[0\]\.tier.*flex, priority, scale, batch/);
    expect(() => new PriceBook({ tiers: [{ tier: 'flex' }] })).toThrow(/prices\.tiers\[0\].*needs a multiplier/);
  });
});
