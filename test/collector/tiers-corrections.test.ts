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
    // o3 Flex: $1.00 input / $4.00 output per 1M (https://platform.openai.com/docs/pricing, read 2025-10).
    t.span('chat o3', genAiChat('o3', 10_000, 5_000, { 'openai.response.service_tier': 'flex' }));
    // Claude Sonnet 4 above 200k input: $6 input / $22.50 output per 1M
    // (https://docs.anthropic.com/en/docs/about-claude/pricing#long-context-pricing, read 2025-10).
    t.span('chat sonnet', {
      ...genAiChat('claude-sonnet-4-20250514', 300_000, 2_000),
      'gen_ai.provider.name': 'anthropic',
    });
    expect((await exportSpans(collector.otlpUrl, 'proto', t.finished())).code).toBe(0);
    const samples = await scrape(collector.metricsUrl);
    expect(total(samples, 'llm_cost_usd_total', { llm_service_tier: 'flex' })).toBeCloseTo((10_000 * 1 + 5_000 * 4) / M, 12);
    expect(total(samples, 'llm_cost_usd_total', { gen_ai_provider_name: 'anthropic' })).toBeCloseTo((300_000 * 6 + 2_000 * 22.5) / M, 12);
  });
});
