// Attribution from enclosing spans, in-process (DESIGN.md, "Attribution"), through a real
// TracerProvider, MeterProvider and Prometheus exporter: a call inherits the agent, session,
// user and configured dimensions of its nearest ancestor that has them; its own values win.
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, GPT_4O_CHAT } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

const chat = GPT_4O_CHAT;
const agent = (name: string, more: Record<string, string> = {}) => ({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name, ...more });
/** gpt-4o list price (https://platform.openai.com/docs/pricing, read 2025-10): $2.50 in, $10 out per Mtok. */
const CALL_USD = (1000 * 2.5 + 100 * 10) / 1e6; // $0.0035

describe('a call inherits from its enclosing spans (in-process)', () => {
  it('takes the nearest agent, through non-LLM spans; its own agent wins', async () => {
    h = createHarness({ dimensions: ['gen_ai.agent.name'] });
    const outer = h.start('invoke_agent planner', agent('planner'));
    const inner = h.start('invoke_agent researcher', agent('researcher'), outer);
    const http = h.start('GET /search', { 'http.request.method': 'GET' }, inner);
    h.emit('chat 1', chat, http);
    h.emit('chat 2', { ...chat, 'gen_ai.agent.name': 'self-named' }, inner);
    http.end();
    inner.end();
    h.emit('chat 3', chat, outer);
    outer.end();
    h.emit('chat 4', chat);
    expect(await h.value('llm_requests_total', { gen_ai_agent_name: 'researcher' })).toBe(1);
    expect(await h.value('llm_requests_total', { gen_ai_agent_name: 'self-named' })).toBe(1);
    expect(await h.value('llm_requests_total', { gen_ai_agent_name: 'planner' })).toBe(1);
    expect(await h.value('llm_requests_total')).toBe(4);
    expect(await h.value('llm_cost_usd_total', { gen_ai_agent_name: 'researcher' })).toBeCloseTo(CALL_USD, 15);
    // The call outside any agent has no agent label at all.
    const lines = (await h.exposition()).split('\n').filter((l) => l.startsWith('llm_requests_total{'));
    expect(lines.filter((l) => !l.includes('gen_ai_agent_name'))).toHaveLength(1);
  });

  it('a dimension from an ancestor span beats the resource attribute; without one the resource value stays', async () => {
    h = createHarness({ dimensions: ['team'] }); // the harness resource says team=search
    const root = h.start('POST /invoice', { team: 'billing' });
    h.emit('chat billed', chat, root);
    root.end();
    h.emit('chat alone', chat);
    expect(await h.value('llm_requests_total', { team: 'billing' })).toBe(1);
    expect(await h.value('llm_requests_total', { team: 'search' })).toBe(1);
  });

  it('session and user come from the nearest span that has them, the agent span or the request span', async () => {
    h = createHarness();
    const request = h.start('POST /chat', { 'enduser.id': 'user-1', 'session.id': 'request-session' });
    const run = h.start('invoke_agent helper', agent('helper', { 'gen_ai.conversation.id': 'conv-9' }), request);
    h.emit('chat', chat, run);
    run.end();
    h.emit('chat outside agent', chat, request);
    h.emit('chat own session', { ...chat, 'session.id': 'own' }, request);
    request.end();
    await h.processor.forceFlush();
    const sessions = h.processor.analytics.topSessions({ n: 5 }).map((s) => [s.id, s.calls]).sort();
    expect(sessions).toEqual([['conv-9', 1], ['own', 1], ['request-session', 1]]);
    expect(h.processor.analytics.topUsers({ n: 5 }).map((u) => [u.id, u.calls])).toEqual([['user-1', 3]]);
    const byAgent = h.processor.analytics.by({ dimension: 'agent' }).map((r) => [r.key, r.calls]);
    expect(byAgent).toEqual([['', 2], ['helper', 1]]);
  });

  it('reads an ancestor at its start: an agent name set later is not passed on (the collector reads final attributes)', async () => {
    h = createHarness({ dimensions: ['gen_ai.agent.name'] });
    const run = h.start('invoke_agent', { 'gen_ai.operation.name': 'invoke_agent' });
    run.setAttribute('gen_ai.agent.name', 'named-late');
    h.emit('chat', chat, run);
    run.end();
    expect(await h.value('llm_requests_total', { gen_ai_agent_name: 'named-late' })).toBe(0);
    expect(await h.value('llm_requests_total')).toBe(1);
  });

  it('holds at most dedupeCapacity / 10 open spans (at least 16): past it the oldest passes nothing on', async () => {
    h = createHarness({ dimensions: ['gen_ai.agent.name'], dedupeCapacity: 160 });
    const agents = Array.from({ length: 17 }, (_, k) => h.start(`invoke_agent a${k}`, agent(`a${k}`)));
    h.emit('chat under the first', chat, agents[0]);
    h.emit('chat under the last', chat, agents[16]);
    for (const a of agents) a.end();
    expect(await h.value('llm_requests_total', { gen_ai_agent_name: 'a0' })).toBe(0);
    expect(await h.value('llm_requests_total', { gen_ai_agent_name: 'a16' })).toBe(1);
    expect(await h.value('llm_requests_total')).toBe(2);
    // Entries are dropped as their spans end: 16 new agents all pass their names on again.
    const again = Array.from({ length: 16 }, (_, k) => h.start(`invoke_agent b${k}`, agent(`b${k}`)));
    h.emit('chat under b0', chat, again[0]);
    for (const a of again) a.end();
    expect(await h.value('llm_requests_total', { gen_ai_agent_name: 'b0' })).toBe(1);
  });
});
