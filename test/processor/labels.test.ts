import { afterEach, describe, expect, it } from 'vitest';
import { createHarness } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

const call = (model: string, extra: Record<string, string | number> = {}) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': model,
  'gen_ai.usage.input_tokens': 10,
  'gen_ai.usage.output_tokens': 2,
  ...extra,
});

describe('labels', () => {
  it('adds configured dimensions from span attributes, falling back to resource attributes', async () => {
    h = createHarness({ dimensions: ['gen_ai.agent.name', 'team'] });
    h.emit('chat', call('gpt-4o', { 'gen_ai.agent.name': 'planner' }));
    h.emit('chat', call('gpt-4o', { 'gen_ai.agent.name': 'planner', team: 'ads' }));
    expect(await h.value('llm_requests_total', { gen_ai_agent_name: 'planner', team: 'search' })).toBe(1);
    expect(await h.value('llm_requests_total', { gen_ai_agent_name: 'planner', team: 'ads' })).toBe(1);
  });

  it('always labels service.name from the resource', async () => {
    h = createHarness({}, 'billing-agent');
    h.emit('chat', call('gpt-4o'));
    expect(await h.value('llm_requests_total', { service_name: 'billing-agent' })).toBe(1);
  });

  it('folds label sets past the cardinality limit into otel.metric.overflow', async () => {
    h = createHarness({ cardinalityLimit: 3 });
    for (const model of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano']) h.emit('chat', call(model));
    expect(await h.value('llm_requests_total', { otel_metric_overflow: 'true' })).toBe(2);
    expect(await h.value('llm_requests_total')).toBe(5);
    expect(h.processor.pipeline.overflowedSeries).toBe(2);
    // Cost is not lost in the overflow series: the total still adds up.
    expect(await h.value('llm_cost_usd_total')).toBeGreaterThan(await h.value('llm_cost_usd_total', { gen_ai_request_model: 'gpt-4o' }));
  });

  it('labels failed calls with error.type', async () => {
    h = createHarness();
    const span = h.start('chat', call('gpt-4o'));
    span.setStatus({ code: 2, message: 'overloaded' });
    span.end();
    h.emit('chat', call('gpt-4o', { 'error.type': 'rate_limit_exceeded' }));
    expect(await h.value('llm_requests_total', { error_type: '_OTHER' })).toBe(1);
    expect(await h.value('llm_requests_total', { error_type: 'rate_limit_exceeded' })).toBe(1);
  });
});

describe('standard GenAI metrics (genAiMetrics: true)', () => {
  it('records gen_ai.client.token.usage and operation.duration with service.name', async () => {
    h = createHarness({ genAiMetrics: true }, 'support-bot');
    h.emit('chat', call('gpt-4o'));
    h.emit('chat', call('gpt-4o', { 'error.type': 'timeout' }));
    const base = { service_name: 'support-bot', gen_ai_request_model: 'gpt-4o', gen_ai_provider_name: 'openai', gen_ai_operation_name: 'chat' };
    expect(await h.value('gen_ai_client_token_usage_sum', { ...base, gen_ai_token_type: 'input' })).toBe(20);
    expect(await h.value('gen_ai_client_token_usage_sum', { ...base, gen_ai_token_type: 'output' })).toBe(4);
    expect(await h.value('gen_ai_client_operation_duration_count', base)).toBe(2);
    expect(await h.value('gen_ai_client_operation_duration_count', { ...base, error_type: 'timeout' })).toBe(1);
  });

  it('are off by default in-process', async () => {
    h = createHarness();
    h.emit('chat', call('gpt-4o'));
    expect(await h.exposition()).not.toContain('gen_ai_client');
  });
});
