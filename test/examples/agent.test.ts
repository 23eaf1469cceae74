// Scenario 7: "spend by agent". invoke_agent spans (GenAI conventions: gen_ai.agent.name, the
// conversation id) around openai client calls traced by the contrib
// @opentelemetry/instrumentation-openai, which never sets the agent; the request span carries
// user.id. With dimensions: ['gen_ai.agent.name'] each call inherits its agent, session and user
// from the nearest enclosing span that has them: in-process at span start, and in
// `otel-llm-cost serve` (spawned, over OTLP/HTTP protobuf) within the request it received.
//
// Prices: OpenAI list prices per million tokens (https://platform.openai.com/docs/pricing, read
// 2025-10, unchanged since launch: gpt-4o-mini 2024-07-18, o4-mini 2025-04-16). The contrib
// spans carry no cached-token count, so every input token is priced at the input rate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONVERSATION_ID, SERVICE_NAME, USER_ID, runExample, type AgentExample } from '../../examples/agent/app.js';
import { seriesMap, waitForRequests } from '../../examples/collector/app.js';
import { sumOf, type Sample } from '../../examples/shared/prometheus.js';
import { expectUsd, labelSets, scrapeSamples, sumBy } from './helpers.js';

const GPT_4O_MINI = { input: 0.15, output: 0.6 };
const O4_MINI = { input: 1.1, output: 4.4 };
/** Per agent, from the usage on the contrib spans (input, output). */
const TRAVEL_PLANNER = (1121 * GPT_4O_MINI.input + 15 * GPT_4O_MINI.output + 1123 * GPT_4O_MINI.input + 16 * GPT_4O_MINI.output) / 1e6; // $0.0003552
const BILLING = (1121 * O4_MINI.input + 142 * O4_MINI.output) / 1e6; // $0.0018579
const NO_AGENT = (1121 * GPT_4O_MINI.input + 14 * GPT_4O_MINI.output) / 1e6; // $0.00017655

let run: AgentExample;
let inProcess: Sample[];
let collector: Sample[];

beforeAll(async () => {
  run = await runExample({ collector: true });
  inProcess = await scrapeSamples(run.example);
  collector = await waitForRequests(run.scrapeCollector, 4);
});
afterAll(async () => {
  await run.shutdown();
});

describe('invoke_agent spans over contrib OpenAI spans: spend by agent', () => {
  it('the app emits the framework shape: calls under invoke_agent spans, no agent on the client spans', () => {
    const spans = run.example.spans.getFinishedSpans();
    const chats = spans.filter((s) => s.instrumentationScope.name === '@opentelemetry/instrumentation-openai');
    expect(chats.map((s) => s.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini', 'chat o4-mini', 'chat gpt-4o-mini']);
    for (const chat of chats) expect(chat.attributes['gen_ai.agent.name']).toBeUndefined();
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    expect(chats.map((c) => byId.get(c.parentSpanContext!.spanId)!.name)).toEqual(['invoke_agent travel-planner', 'invoke_agent travel-planner', 'invoke_agent billing', 'POST /chat']);
    expect(run.example.mock.calls.map((c) => [c.usage.inputTokens, c.usage.outputTokens])).toEqual([[1121, 15], [1123, 16], [1121, 142], [1121, 14]]);
  });

  it('in-process: each call carries the agent of its enclosing invoke_agent span (exact cost per agent)', () => {
    expect(sumBy(inProcess, 'llm_cost_usd_total', 'gen_ai_agent_name')).toEqual({
      'travel-planner': expect.closeTo(TRAVEL_PLANNER, 15),
      billing: expect.closeTo(BILLING, 15),
      '': expect.closeTo(NO_AGENT, 15),
    });
    expectUsd(sumBy(inProcess, 'llm_cost_usd_total', 'gen_ai_agent_name')['travel-planner'], 0.0003552);
    expectUsd(sumBy(inProcess, 'llm_cost_usd_total', 'gen_ai_agent_name').billing, 0.0018579);
    expectUsd(sumBy(inProcess, 'llm_cost_usd_total', 'gen_ai_agent_name')[''], 0.00017655);
    expect(sumBy(inProcess, 'llm_requests_total', 'gen_ai_agent_name')).toEqual({ 'travel-planner': 2, billing: 1, '': 1 });
    expect(labelSets(inProcess, 'llm_cost_usd_total', ['service_name', 'gen_ai_request_model', 'gen_ai_agent_name'])).toEqual([
      `${SERVICE_NAME}|gpt-4o-mini|`,
      `${SERVICE_NAME}|gpt-4o-mini|travel-planner`,
      `${SERVICE_NAME}|o4-mini|billing`,
    ]);
  });

  it('in-process analytics: spend by agent, the session from the agent spans, the user from the request span', () => {
    const processor = run.example.processor!;
    const byAgent = processor.analytics.by({ dimension: 'agent' }).map((row) => [row.key, row.calls, row.costUsd]);
    expect(byAgent).toEqual([
      ['billing', 1, expect.closeTo(BILLING, 15)],
      ['travel-planner', 2, expect.closeTo(TRAVEL_PLANNER, 15)],
      ['', 1, expect.closeTo(NO_AGENT, 15)],
    ]);
    const [session] = processor.analytics.topSessions({ n: 5 });
    expect(session).toMatchObject({ id: CONVERSATION_ID, calls: 3 });
    expectUsd(session!.costUsd, TRAVEL_PLANNER + BILLING); // $0.0022131; the call outside the agents has no session
    const [user] = processor.analytics.topUsers({ n: 5 });
    expect(user).toMatchObject({ id: USER_ID, calls: 4 });
    expectUsd(user!.costUsd, 0.00238965);
  });

  it('otel-llm-cost serve, given the spans over OTLP: the same series and values, agent labels included', () => {
    expect(sumOf(collector, 'llm_requests_total')).toBe(4);
    const a = seriesMap(inProcess);
    const b = seriesMap(collector);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [key, value] of a) {
      if (key.startsWith('llm_cost_usd_total') || key.startsWith('llm_request_cost_usd_sum')) expectUsd(b.get(key), value);
      else expect(b.get(key), key).toBe(value);
    }
    expectUsd(sumBy(collector, 'llm_cost_usd_total', 'gen_ai_agent_name').billing, BILLING);
    expectUsd(sumBy(collector, 'llm_cost_usd_total', 'gen_ai_agent_name')['travel-planner'], TRAVEL_PLANNER);
  });
});
