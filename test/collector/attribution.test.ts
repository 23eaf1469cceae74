// Attribution in the collector: within one OTLP request, a call inherits the agent, session,
// user and dimensions of its nearest ancestor in that request, from the final attributes; an
// ancestor in another request is not at hand.
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { CostPipeline } from '../../src/pipeline.js';
import type { PricedCall } from '../../src/types.js';
import * as d from '../fixtures/dialects.js';
import { emitSpans } from '../fixtures/spans.js';
import type { SpanSpec } from '../fixtures/spans.js';

const newPipeline = (): CostPipeline => new CostPipeline({ meterProvider: new MeterProvider(), analytics: false, dimensions: ['gen_ai.agent.name', 'team'] });
const contrib = (name: string, attributes: Record<string, string> = {}): SpanSpec => ({ name, scope: d.OTEL_CONTRIB_OPENAI.scope, attributes: { ...d.OTEL_CONTRIB_OPENAI.attributes, ...attributes } });
const agentRun: SpanSpec = {
  name: 'POST /chat',
  attributes: { 'user.id': 'user-3', team: 'travel' },
  children: [
    {
      name: 'invoke_agent planner',
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner', 'gen_ai.conversation.id': 'conv-1' },
      children: [{ name: 'tool', attributes: { 'gen_ai.operation.name': 'execute_tool' }, children: [contrib('chat in tool')] }, contrib('chat own', { 'gen_ai.agent.name': 'own', team: 'self' })],
    },
    contrib('chat outside'),
  ],
};

const attribution = (c: PricedCall | undefined) => c && [c.agentName, c.sessionId, c.userId, c.dimensions];

describe('collector attribution within a request', () => {
  it('takes each field from the nearest ancestor in the batch, the call\'s own values winning, in any span order', () => {
    const run = emitSpans(agentRun);
    for (const batch of [run.inputs, [...run.inputs].reverse()]) {
      const calls = newPipeline().handleBatch(batch);
      const by = (name: string) => attribution(calls[batch.findIndex((s) => s.name === name)]);
      expect(by('chat in tool')).toEqual(['planner', 'conv-1', 'user-3', { 'gen_ai.agent.name': 'planner', team: 'travel' }]);
      expect(by('chat own')).toEqual(['own', 'conv-1', 'user-3', { 'gen_ai.agent.name': 'own', team: 'self' }]);
      expect(by('chat outside')).toEqual([undefined, undefined, 'user-3', { team: 'travel' }]);
    }
  });

  it('gets nothing from ancestors sent in another request', () => {
    const run = emitSpans(agentRun);
    const pipeline = newPipeline();
    const [call] = pipeline.handleBatch([run.input('chat in tool')]);
    expect(attribution(call)).toEqual([undefined, undefined, undefined, {}]);
    // The ancestors in the next request change nothing already counted.
    expect(pipeline.handleBatch(run.inputs.filter((s) => s.name !== 'chat in tool')).filter((c) => c !== undefined)).toHaveLength(2);
  });

  it('survives a cycle of parent links (garbage) without hanging', () => {
    const run = emitSpans(agentRun);
    const agent = run.input('invoke_agent planner');
    const root = run.input('POST /chat');
    const cyclic = run.inputs.map((s) => (s === root ? { ...s, parentSpanId: agent.spanId } : s));
    const calls = newPipeline().handleBatch(cyclic);
    expect(attribution(calls[cyclic.findIndex((s) => s.name === 'chat in tool')])?.[0]).toBe('planner');
  });
});
