// Service tiers and corrections through `serve`: real SDK spans sent with the real OTLP
// exporter to an in-process collector, and the cost read back from its /metrics.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../src/collector/index.js';
import { exportSpans, scrape, testCollector, total } from './helpers/collector.js';
import { genAiChat, recordedTracer } from './helpers/spans.js';

let collector: RunningCollector | undefined;
afterEach(async () => {
  await collector?.close();
  collector = undefined;
});

const M = 1e6;

describe('serve prices tiers and corrections', () => {
  it('o3 on flex at the flex list price, Claude Sonnet 4 above 200k at the long-context price', async () => {
    collector = await testCollector();
    const t = recordedTracer('tiers-app');
    // o3 Flex: $1.00 input / $4.00 output per 1M (https://platform.openai.com/docs/pricing, public copy of 2025-11).
    t.span('chat o3', genAiChat('o3', 10_000, 5_000, { 'openai.response.service_tier': 'flex' }));
    // Claude Sonnet 4 above 200k input: $6 input / $22.50 output per 1M
    // (https://platform.claude.com/docs/en/about-claude/pricing#long-context-pricing, public copy of 2026-03).
    t.span('chat sonnet', {
      ...genAiChat('claude-sonnet-4-20250514', 300_000, 2_000),
      'gen_ai.provider.name': 'anthropic',
    });
    expect((await exportSpans(collector.otlpUrl, 'proto', t.finished())).code).toBe(0);
    const samples = await scrape(collector.metricsUrl);
    expect(total(samples, 'llm_cost_usd_total', { llm_service_tier: 'flex' })).toBeCloseTo((10_000 * 1 + 5_000 * 4) / M, 12);
    expect(total(samples, 'llm_cost_usd_total', { gen_ai_provider_name: 'anthropic' })).toBeCloseTo((300_000 * 6 + 2_000 * 22.5) / M, 12);
  });

  it('/api/breakdown shows the tier and a cost the span already carried beside ours', async () => {
    collector = await testCollector();
    const t = recordedTracer('breakdown-app');
    t.span('chat o3 flex', genAiChat('o3', 10_000, 5_000, { 'openai.response.service_tier': 'flex', 'gen_ai.conversation.id': 'sess-tier' }));
    // A gateway's own figure (LiteLLM writes gen_ai.usage.cost): shown as it came, never replacing ours.
    t.span('chat o3 gateway', genAiChat('o3', 10_000, 5_000, { 'gen_ai.usage.cost': 0.125, 'gen_ai.conversation.id': 'sess-tier' }));
    expect((await exportSpans(collector.otlpUrl, 'proto', t.finished())).code).toBe(0);
    const res = await fetch(new URL('/api/breakdown?session=sess-tier&hours=1', collector.metricsUrl));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: { model: string; serviceTier: string | null; spanCostUsd: number | null; totalCostUsd: number }[] };
    // o3 standard: $2.00 input / $8.00 output per 1M; flex half of it (https://platform.openai.com/docs/pricing, public copy of 2025-11).
    expect(body.rows.map((r) => [r.serviceTier, r.spanCostUsd, r.totalCostUsd])).toEqual([
      ['flex', null, (10_000 * 1 + 5_000 * 4) / M],
      [null, 0.125, (10_000 * 2 + 5_000 * 8) / M],
    ]);
  });
});
