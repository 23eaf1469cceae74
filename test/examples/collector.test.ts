// Scenario 5: one app priced in-process (LlmCostSpanProcessor) and by `otel-llm-cost serve`
// (a child process receiving the same spans over OTLP/HTTP protobuf). Every cost, token and
// request series must agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAME, runExample, seriesMap, waitForRequests, type CollectorExample } from '../../examples/collector/app.js';
import { priceUsage, totalOf, trueCost } from '../../examples/shared/expected.js';
import { sumOf, type Sample } from '../../examples/shared/prometheus.js';
import { expectUsd, labelSets, scrapeSamples } from './helpers.js';

let run: CollectorExample;
let inProcess: Sample[];
let collector: Sample[];

beforeAll(async () => {
  run = await runExample();
  inProcess = await scrapeSamples(run.example);
  collector = await waitForRequests(run.scrapeCollector, run.example.mock.calls.length);
});
afterAll(async () => {
  await run.shutdown();
});

describe('in-process processor and otel-llm-cost serve, side by side', () => {
  it('both count each of the 13 requests once', () => {
    expect(run.example.mock.calls).toHaveLength(13);
    expect(sumOf(inProcess, 'llm_requests_total')).toBe(13);
    expect(sumOf(collector, 'llm_requests_total')).toBe(13);
  });

  it('export the same series with the same values', () => {
    const a = seriesMap(inProcess);
    const b = seriesMap(collector);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    expect(a.size).toBeGreaterThan(20);
    for (const [key, value] of a) {
      if (key.startsWith('llm_cost_usd_total') || key.startsWith('llm_request_cost_usd_sum')) expectUsd(b.get(key), value);
      else expect(b.get(key), key).toBe(value);
    }
  });

  it('agree with genai-prices on the usage each library reports', () => {
    const calls = run.example.mock.calls;
    // Calls 1-7 come through the contrib OpenAI instrumentation (no cached-token attribute),
    // calls 8-13 through the Vercel AI SDK (everything).
    const expected = totalOf(calls.slice(0, 7).map((c) => priceUsage('openai', c.responseModel, c.usage, { cacheRead: false, cacheWrite: false }))) + totalOf(calls.slice(7).map(trueCost));
    expectUsd(sumOf(collector, 'llm_cost_usd_total'), expected);
    expectUsd(sumOf(collector, 'llm_cost_usd_total'), 0.0088604);
  });

  it('takes service.name from the OTLP resource', () => {
    expect(labelSets(collector, 'llm_cost_usd_total', ['service_name', 'gen_ai_provider_name'])).toEqual([`${SERVICE_NAME}|openai`]);
  });
});
