import { describe, expect, it } from 'vitest';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { CostPipeline } from '../../src/pipeline.js';
import type { PricedCall } from '../../src/types.js';
import * as d from '../fixtures/dialects.js';
import { emitSpans } from '../fixtures/spans.js';

// o3-mini, 2048 input of which 1024 cached, 700 output: 1024 * 1.10 + 1024 * 0.55 + 700 * 4.40 per 1M.
const OPENAI_USD = 0.0047696;

const newPipeline = (): CostPipeline => new CostPipeline({ meterProvider: new MeterProvider(), analytics: false });
const outcome = (r: PricedCall | undefined): { priced: boolean; costUsd: number | undefined } | undefined =>
  r === undefined ? undefined : { priced: r.priced, costUsd: r.costUsd };

// chain > langchain-llm > openai: the OpenAI span counts, the LangChain LLM run around it does not.
const nested = (): ReturnType<typeof emitSpans> =>
  emitSpans({
    name: 'chain',
    ...d.OPENINFERENCE_LANGCHAIN_CHAIN,
    children: [{ name: 'langchain-llm', ...d.OPENINFERENCE_LANGCHAIN_LLM, children: [{ name: 'openai', ...d.OPENINFERENCE_OPENAI }] }],
  });

describe('collector pipeline: batches re-sent by an exporter', () => {
  it('returns the same priced and costUsd for a re-sent batch and counts nothing twice', () => {
    const pipeline = newPipeline();
    const batch = nested().inputs; // openai, langchain-llm, chain
    const first = pipeline.handleBatch(batch).map(outcome);
    expect(first.map((r) => r === undefined)).toEqual([false, true, true]);
    expect(first[0]!.priced).toBe(true);
    expect(Math.abs(first[0]!.costUsd! - OPENAI_USD)).toBeLessThan(1e-15);
    expect(pipeline.handleBatch(batch).map(outcome)).toEqual(first);
    expect(pipeline.handleBatch([...batch].reverse()).map(outcome)).toEqual([...first].reverse());
    expect(pipeline.stats).toMatchObject({ spans: 9, counted: 1, priced: 1, unpriced: 0, errors: 0 });
  });

  it('does not count a re-sent wrapper that a mark from an earlier batch kept from counting', () => {
    const pipeline = newPipeline();
    const run = nested();
    expect(pipeline.handleBatch([run.input('openai')]).map(outcome)).toEqual([{ priced: true, costUsd: expect.closeTo(OPENAI_USD, 15) }]);
    const parents = [run.input('langchain-llm'), run.input('chain')];
    expect(pipeline.handleBatch(parents)).toEqual([undefined, undefined]);
    expect(pipeline.handleBatch(parents)).toEqual([undefined, undefined]);
    expect(pipeline.stats.counted).toBe(1);
  });

  it('counts the span of another trace that re-uses a counted span id', () => {
    const pipeline = newPipeline();
    const span = nested().input('openai');
    const [a] = pipeline.handleBatch([span]);
    const [b] = pipeline.handleBatch([{ ...span, traceId: 'e'.repeat(32) }]);
    expect([outcome(a), outcome(b)]).toEqual([outcome(a), { priced: true, costUsd: a!.costUsd }]);
    expect(b!.traceId).toBe('e'.repeat(32));
    expect(pipeline.stats.counted).toBe(2);
  });

  it('does not count an unnested copy again when its batch is re-sent', () => {
    // LangChain's LLM span and the OpenAI client span of one request, side by side.
    const run = emitSpans({
      name: 'request',
      timeMs: [0, 1000],
      children: [
        { name: 'oa', scope: d.OTEL_CONTRIB_OPENAI.scope, attributes: { ...d.OTEL_CONTRIB_OPENAI.attributes, 'gen_ai.request.model': 'gpt-4o-mini' }, timeMs: [20, 490] },
        { name: 'lc', scope: d.OPENINFERENCE_LANGCHAIN_LLM.scope, attributes: { ...d.OPENINFERENCE_LANGCHAIN_LLM.attributes, 'llm.model_name': 'gpt-4o-mini' }, timeMs: [10, 500] },
      ],
    });
    const pipeline = newPipeline();
    const first = pipeline.handleBatch(run.inputs).map(outcome);
    expect(run.inputs.map((s) => s.name)).toEqual(['oa', 'lc', 'request']);
    // The LangChain copy is the richer one (cache reads): it is recorded, and annotated.
    expect(first.map((r) => r === undefined)).toEqual([true, false, true]);
    expect(pipeline.handleBatch(run.inputs).map(outcome)).toEqual(first);
    expect(pipeline.stats.counted).toBe(1);
  });
});
