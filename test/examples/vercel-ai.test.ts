// Scenario 3: Vercel AI SDK (ai 6) with experimental_telemetry, OpenAI-compatible provider.
// Only the ai.*.doGenerate / doStream spans are calls; the ai.generateText / ai.streamText
// root spans repeat the (summed) usage and must not count; each tool-calling agent run
// (generateText and streamText) makes two calls under one root span.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAME, runExample } from '../../examples/vercel-ai/app.js';
import { totalOf, trueCost } from '../../examples/shared/expected.js';
import type { Example } from '../../examples/shared/harness.js';
import { sumOf, type Sample } from '../../examples/shared/prometheus.js';
import type { PricedCall } from '../../src/index.js';
import { expectUsd, labelSets, scrapeSamples } from './helpers.js';

let example: Example;
let priced: PricedCall[];
let samples: Sample[];

beforeAll(async () => {
  example = await runExample();
  priced = example.pricedCalls();
  samples = await scrapeSamples(example);
});
afterAll(async () => {
  await example.shutdown();
});

describe('Vercel AI SDK with experimental_telemetry', () => {
  it('emits wrapper spans with summed usage, and one doGenerate/doStream span per request', () => {
    const names = example.spans.getFinishedSpans().map((s) => s.name);
    expect(names).toEqual([
      'ai.generateText.doGenerate',
      'ai.generateText',
      'ai.streamText.doStream',
      'ai.streamText',
      'ai.generateText.doGenerate',
      'ai.toolCall',
      'ai.generateText.doGenerate',
      'ai.generateText',
      'ai.toolCall',
      'ai.streamText.doStream',
      'ai.streamText.doStream',
      'ai.streamText',
    ]);
    const agent = example.spans.getFinishedSpans()[7]!;
    const steps = example.mock.calls.slice(2, 4);
    expect(agent.attributes['ai.usage.inputTokens']).toBe(totalOf(steps.map((c) => c.usage.inputTokens)));
  });

  it('counts each of the 6 requests once (streamText and every agent step included)', () => {
    expect(example.mock.calls.map((c) => `${c.requestModel}:${c.reply}${c.stream ? '+stream' : ''}`)).toEqual([
      'gpt-4o-mini:text',
      'gpt-4o-mini:text+stream',
      'o4-mini:tool_call',
      'o4-mini:text',
      'gpt-4.1-mini:tool_call+stream',
      'gpt-4.1-mini:text+stream',
    ]);
    expect(priced).toHaveLength(6);
    expect(sumOf(samples, 'llm_requests_total')).toBe(6);
  });

  it('prices every call exactly: cache reads and reasoning are both on the spans', () => {
    priced.forEach((call, i) => {
      const mockCall = example.mock.calls[i]!;
      expect(call.dialect).toBe('vercel_ai');
      expect(call.inputTokens).toBe(mockCall.usage.inputTokens);
      expect(call.cacheReadTokens).toBe(mockCall.usage.cacheReadTokens);
      expect(call.outputTokens).toBe(mockCall.usage.outputTokens);
      expect(call.reasoningTokens).toBe(mockCall.usage.reasoningTokens);
      expectUsd(call.costUsd, trueCost(mockCall));
    });
    expectUsd(sumOf(samples, 'llm_cost_usd_total'), totalOf(example.mock.calls.map(trueCost)));
    expectUsd(sumOf(samples, 'llm_cost_usd_total'), 0.0043909);
  });

  it('carries the telemetry metadata as session and user, never as labels', () => {
    for (const call of priced) {
      expect(call.sessionId).toBe('session-42');
      expect(call.userId).toBe('user-7');
    }
    expect(samples.some((s) => Object.values(s.labels).includes('session-42'))).toBe(false);
    const [top, ...rest] = example.processor!.analytics.topSessions();
    expect(rest).toEqual([]);
    expect(top).toMatchObject({ id: 'session-42', calls: 6, exact: true });
    expectUsd(top!.costUsd, totalOf(example.mock.calls.map(trueCost)));
    expect(example.processor!.analytics.topUsers()[0]).toMatchObject({ id: 'user-7', calls: 6 });
  });

  it('labels: provider "openai" from ai.model.provider "openai.chat", request and response models', () => {
    expect(
      labelSets(samples, 'llm_cost_usd_total', ['service_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model', 'gen_ai_operation_name']),
    ).toEqual([
      `${SERVICE_NAME}|openai|gpt-4.1-mini|gpt-4.1-mini-2025-04-14|chat`,
      `${SERVICE_NAME}|openai|gpt-4o-mini|gpt-4o-mini-2024-07-18|chat`,
      `${SERVICE_NAME}|openai|o4-mini|o4-mini-2025-04-16|chat`,
    ]);
    expect(sumOf(samples, 'llm_tokens_total', { llm_token_type: 'reasoning' })).toBe(64 + 256);
    expect(sumOf(samples, 'llm_tokens_total', { llm_token_type: 'cache_read' })).toBe(3 * 1024);
    // The partition sums to the billed total.
    expect(sumOf(samples, 'llm_tokens_total')).toBe(totalOf(example.mock.calls.map((c) => c.usage.inputTokens + c.usage.outputTokens)));
  });
});
