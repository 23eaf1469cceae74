import { describe, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import { ConfigError } from '../../src/config-error.js';
import { Deduper, Verdict } from '../../src/dedupe/index.js';
import { Extractor } from '../../src/extract/index.js';
import type { SpanInput } from '../../src/types.js';
import * as d from '../fixtures/dialects.js';
import type { SpanSpec } from '../fixtures/spans.js';
import { emitSpans } from '../fixtures/spans.js';

const extractor = new Extractor();
const http: Pick<SpanSpec, 'attributes'> = { attributes: { 'http.request.method': 'POST', 'url.full': 'https://api.openai.com/v1' } };
const agentUsage = {
  'gen_ai.operation.name': 'invoke_agent',
  'gen_ai.agent.name': 'researcher',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 5000,
  'gen_ai.usage.output_tokens': 800,
};

/** The in-process path: spans in end order, non-candidates through passThrough. Returns counted span names. */
function countInProcess(inputs: readonly SpanInput[], deduper = new Deduper()): string[] {
  const counted: string[] = [];
  for (const span of inputs) {
    if (!extractor.isCandidate(span.attributes)) {
      deduper.passThrough(span.spanId, span.parentSpanId);
    } else if (deduper.decide(span, extractor.extract(span))) {
      counted.push(span.name);
    }
  }
  return counted;
}

/** The collector path: one batch, any order. */
function countBatch(deduper: Deduper, inputs: readonly SpanInput[]): string[] {
  const verdicts = deduper.decideBatch(inputs, inputs.map((span) => extractor.extract(span)));
  return inputs.filter((_, i) => verdicts[i] === Verdict.Counted).map((s) => s.name);
}

describe('Deduper (in-process, end order)', () => {
  it('counts Vercel doGenerate steps, not the generateText root', () => {
    const run = emitSpans({
      name: 'root',
      ...d.VERCEL_ROOT,
      children: [
        { name: 'step1', ...d.VERCEL_DO_GENERATE },
        { name: 'step2', ...d.VERCEL_DO_GENERATE },
      ],
    });
    expect(countInProcess(run.inputs)).toEqual(['step1', 'step2']);
  });

  it('counts the inner of two nested LLM spans (LangChain LLM run around an OpenAI call)', () => {
    const run = emitSpans({
      name: 'chain',
      ...d.OPENINFERENCE_LANGCHAIN_CHAIN,
      children: [{ name: 'langchain-llm', ...d.OPENINFERENCE_LANGCHAIN_LLM, children: [{ name: 'openai', ...d.OPENINFERENCE_OPENAI }] }],
    });
    expect(countInProcess(run.inputs)).toEqual(['openai']);
  });

  it('remembers a counted call only while a copy of it may follow (copyMayFollow)', () => {
    const run = emitSpans({
      name: 'openinference-anthropic',
      ...d.OPENINFERENCE_OPENAI,
      children: [{ name: 'sdk-span', ...d.GEN_AI_CURRENT }],
    });
    const parent = run.input('openinference-anthropic');
    const child = run.input('sdk-span');
    // The child still open when its parent ends (HeldCalls tracks it): the parent is remembered.
    const tracked = new Deduper();
    expect(tracked.decide(parent, extractor.extract(parent), true)).toBe(true);
    expect(tracked.remembered).toBe(1);
    expect(tracked.decide(child, extractor.extract(child), false)).toBe(false);
    // Nothing of the trace open: nothing is remembered, so memory stays empty for one call at a time.
    const alone = new Deduper();
    for (let i = 0; i < 1000; i++) alone.decide({ spanId: `p${i}`, parentSpanId: undefined }, { ...extractor.extract(parent)!, traceId: `t${i}`, spanId: `p${i}` }, false);
    expect(alone.remembered).toBe(0);
  });

  it('counts an LLM span that ended before its LLM child once (the child is the same call)', () => {
    const run = emitSpans({
      name: 'openinference-anthropic',
      ...d.OPENINFERENCE_OPENAI,
      children: [{ name: 'sdk-span', ...d.GEN_AI_CURRENT }],
    });
    const parentFirst = [run.input('openinference-anthropic'), run.input('sdk-span')];
    expect(countInProcess(parentFirst)).toEqual(['openinference-anthropic']);
    // A sibling under the same parent that is not an LLM span changes nothing; another trace still counts.
    const other = emitSpans({ name: 'chat', ...d.GEN_AI_CURRENT });
    expect(countInProcess([...parentFirst, other.input('chat')])).toEqual(['openinference-anthropic', 'chat']);
  });

  it('counts chat spans under an invoke_agent CLIENT span that carries usage, not the agent span', () => {
    const run = emitSpans({
      name: 'agent',
      kind: SpanKind.CLIENT,
      attributes: agentUsage,
      children: [
        { name: 'chat1', ...d.GEN_AI_CURRENT },
        { name: 'tool', attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' } },
        { name: 'chat2', ...d.OTEL_CONTRIB_OPENAI },
      ],
    });
    expect(countInProcess(run.inputs)).toEqual(['chat1', 'chat2']);
  });

  it('counts the calls under a Traceloop workflow and an OpenInference chain, never the wrappers', () => {
    const run = emitSpans({
      name: 'workflow',
      ...d.OPENLLMETRY_WORKFLOW,
      children: [
        { name: 'anthropic', ...d.OPENLLMETRY_ANTHROPIC },
        { name: 'chain', ...d.OPENINFERENCE_LANGCHAIN_CHAIN, children: [{ name: 'embed', ...d.OPENINFERENCE_EMBEDDING }] },
      ],
    });
    expect(countInProcess(run.inputs)).toEqual(['anthropic', 'embed']);
  });

  it('counts an invoke_agent span with usage when nothing under it counted', () => {
    const run = emitSpans({
      name: 'agent',
      kind: SpanKind.CLIENT,
      attributes: agentUsage,
      children: [
        { name: 'tool', attributes: { 'gen_ai.operation.name': 'execute_tool' } },
        { name: 'POST', ...http },
      ],
    });
    expect(countInProcess(run.inputs)).toEqual(['agent']);
  });

  it('does not count a wrapper without usage even when nothing under it counted', () => {
    const run = emitSpans({ name: 'agent', attributes: { 'gen_ai.operation.name': 'invoke_agent' }, children: [{ name: 'POST', ...http }] });
    expect(countInProcess(run.inputs)).toEqual([]);
  });

  it('passes a mark through non-LLM intermediates to an LLM grandparent', () => {
    const run = emitSpans({
      name: 'outer-llm',
      ...d.GEN_AI_CURRENT,
      children: [{ name: 'http', ...http, children: [{ name: 'middle', children: [{ name: 'inner-llm', ...d.OTEL_CONTRIB_OPENAI }] }] }],
    });
    expect(countInProcess(run.inputs)).toEqual(['inner-llm']);
  });

  it('passes a mark through a marked LLM span and a wrapper to the top', () => {
    const run = emitSpans({
      name: 'agent',
      attributes: agentUsage,
      children: [{ name: 'outer-llm', ...d.GEN_AI_CURRENT, children: [{ name: 'inner-llm', ...d.OTEL_CONTRIB_OPENAI }] }],
    });
    expect(countInProcess(run.inputs)).toEqual(['inner-llm']);
  });

  it('counts sibling calls under a plain parent, and the parent mark is consumed', () => {
    const deduper = new Deduper();
    const run = emitSpans({
      name: 'request',
      ...http,
      children: [
        { name: 'a', ...d.GEN_AI_CURRENT },
        { name: 'b', ...d.OPENLLMETRY_ANTHROPIC },
      ],
    });
    expect(countInProcess(run.inputs, deduper)).toEqual(['a', 'b']);
    // request (a root) consumed its mark and had no parent to pass it to.
    expect(deduper.size).toBe(0);
  });

  it('rejects a capacity below 2 with a ConfigError naming the option', () => {
    expect(() => new Deduper({ capacity: 1 })).toThrow(ConfigError);
    expect(() => new Deduper({ capacity: 1.5 })).toThrow(/dedupeCapacity/);
  });
});

describe('Deduper (collector, OTLP batches)', () => {
  const tree: SpanSpec = {
    name: 'agent',
    attributes: agentUsage,
    children: [{ name: 'outer-llm', ...d.GEN_AI_CURRENT, children: [{ name: 'http', ...http, children: [{ name: 'inner-llm', ...d.OTEL_CONTRIB_OPENAI }] }] }],
  };

  it('does not count a parent that arrives in a later batch than its counted child', () => {
    const run = emitSpans(tree);
    const deduper = new Deduper();
    expect(countBatch(deduper, [run.input('inner-llm')])).toEqual(['inner-llm']);
    // The mark waits for http in the memory that spans batches.
    expect(deduper.size).toBe(1);
    expect(countBatch(deduper, [run.input('http')])).toEqual([]);
    expect(countBatch(deduper, [run.input('agent'), run.input('outer-llm')])).toEqual([]);
    expect(deduper.size).toBe(0);
  });

  it('does not count a child that arrives in a later batch than its counted parent', () => {
    const run = emitSpans({ name: 'openinference', ...d.OPENINFERENCE_OPENAI, children: [{ name: 'sdk-span', ...d.GEN_AI_CURRENT }] });
    const deduper = new Deduper();
    expect(countBatch(deduper, [run.input('openinference')])).toEqual(['openinference']);
    expect(countBatch(deduper, [run.input('sdk-span')])).toEqual([]);
    // A span of another trace naming the same parent span id is not under that counted span.
    expect(countBatch(deduper, [{ ...run.input('sdk-span'), traceId: 'f'.repeat(32) }])).toEqual(['sdk-span']);
  });

  it('names, per copy, the counted call of the batch it copies (copyOf): through a non-LLM span, never for two calls', () => {
    const contrib = (name: string): SpanSpec => ({ name, ...d.OTEL_CONTRIB_OPENAI });
    const outer = (name: string, children: SpanSpec[]): SpanSpec => ({ name, scope: d.OPENINFERENCE_OPENAI.scope, attributes: { ...d.OPENINFERENCE_OPENAI.attributes, 'llm.model_name': 'gpt-4o-mini' }, children });
    const run = emitSpans([
      outer('one', [{ name: 'http1', ...http, children: [contrib('one-inner')] }]),
      outer('two', [contrib('two-a'), contrib('two-b')]),
      { name: 'other-model', ...d.OPENINFERENCE_OPENAI, children: [contrib('other-inner')] },
    ]);
    const batch = [...run.inputs].reverse();
    const copyOf = new Int32Array(batch.length);
    const verdicts = new Deduper().decideBatch(batch, batch.map((span) => extractor.extract(span)), undefined, copyOf);
    const at = (name: string): number => batch.findIndex((s) => s.name === name);
    expect(batch.filter((_, i) => verdicts[i] === Verdict.Counted).map((s) => s.name).sort()).toEqual(['one-inner', 'other-inner', 'two-a', 'two-b']);
    expect(copyOf[at('one')]).toBe(at('one-inner'));
    expect([...copyOf].filter((p) => p >= 0)).toHaveLength(1);
  });

  it('keeps the marks between spans of one batch whatever the capacity', () => {
    // Three LLM spans each under an LLM parent, in one batch: with a memory of 2 span ids the
    // parents' marks would not all survive until the parents are decided; in-batch marks never
    // go to that memory.
    const run = emitSpans([0, 1, 2].map((k) => ({ name: `outer${k}`, ...d.GEN_AI_CURRENT, children: [{ name: `inner${k}`, ...d.OTEL_CONTRIB_OPENAI }] })));
    const deduper = new Deduper({ capacity: 2 });
    const innersFirst = ['inner0', 'inner1', 'inner2', 'outer0', 'outer1', 'outer2'].map((n) => run.input(n));
    expect(countBatch(deduper, innersFirst)).toEqual(['inner0', 'inner1', 'inner2']);
    expect([deduper.size, deduper.evicted]).toEqual([0, 0]);
  });

  it('gives every LLM span of a re-sent batch its first verdict and takes it out of dedupe', () => {
    const run = emitSpans(tree);
    const deduper = new Deduper();
    const batch = [...run.inputs].reverse(); // agent, outer-llm, http, inner-llm
    const calls = batch.map((span) => extractor.extract(span));
    expect([...deduper.decideBatch(batch, calls)]).toEqual([Verdict.NotCounted, Verdict.NotCounted, Verdict.NotCounted, Verdict.Counted]);
    const again = [Verdict.NotCountedBefore, Verdict.NotCountedBefore, Verdict.NotCounted, Verdict.CountedBefore];
    expect([...deduper.decideBatch(batch, calls)]).toEqual(again);
    expect([...deduper.decideBatch([...batch].reverse(), [...calls].reverse())]).toEqual([...again].reverse());
    expect(deduper.size).toBe(0);
  });

  it('gives a wrapper re-sent alone the verdict it got when a mark from an earlier batch reached it', () => {
    const run = emitSpans(tree);
    const deduper = new Deduper();
    expect(countBatch(deduper, [run.input('inner-llm'), run.input('http')])).toEqual(['inner-llm']);
    const parents = [run.input('outer-llm'), run.input('agent')];
    const calls = parents.map((span) => extractor.extract(span));
    expect([...deduper.decideBatch(parents, calls)]).toEqual([Verdict.NotCounted, Verdict.NotCounted]);
    expect([...deduper.decideBatch(parents, calls)]).toEqual([Verdict.NotCountedBefore, Verdict.NotCountedBefore]);
  });

  it('does not take a span of another trace that re-uses a span id for a re-sent span', () => {
    const run = emitSpans({ name: 'chat', ...d.GEN_AI_CURRENT });
    const deduper = new Deduper();
    const span = run.input('chat');
    const call = extractor.extract(span);
    expect([...deduper.decideBatch([span], [call])]).toEqual([Verdict.Counted]);
    const otherTrace = { ...span, traceId: 'e'.repeat(32) };
    expect([...deduper.decideBatch([otherTrace], [{ ...call!, traceId: otherTrace.traceId }])]).toEqual([Verdict.Counted]);
    // Keyed by span id: the later trace replaced the earlier one, which now counts again.
    expect([...deduper.decideBatch([otherTrace], [call])]).toEqual([Verdict.CountedBefore]);
  });

  it('decides children before parents whatever the order inside a batch', () => {
    const run = emitSpans(tree);
    const reversed = [...run.inputs].reverse();
    expect(reversed.map((s) => s.name)).toEqual(['agent', 'outer-llm', 'http', 'inner-llm']);
    expect(countBatch(new Deduper(), reversed)).toEqual(['inner-llm']);
    const shuffled = ['outer-llm', 'inner-llm', 'agent', 'http'].map((n) => run.input(n));
    expect(countBatch(new Deduper(), shuffled)).toEqual(['inner-llm']);
  });

  it('counts the agent wrapper when its batch holds no counted descendant', () => {
    const run = emitSpans({ name: 'agent', attributes: agentUsage, children: [{ name: 'POST', ...http }] });
    expect(countBatch(new Deduper(), [run.input('agent'), run.input('POST')])).toEqual(['agent']);
  });

  it('decides the spans of a cycle of parent links (garbage data) without hanging', () => {
    const run = emitSpans([
      { name: 'x', ...d.GEN_AI_CURRENT },
      { name: 'y', ...d.OTEL_CONTRIB_OPENAI },
    ]);
    const x = { ...run.input('x'), parentSpanId: run.input('y').spanId };
    const y = { ...run.input('y'), parentSpanId: run.input('x').spanId };
    // x ends first, so it is decided first and marks y.
    expect(countBatch(new Deduper(), [y, x])).toEqual(['x']);
  });
});

describe('Deduper memory bound', () => {
  it('keeps at most capacity ids for 1M LLM spans under 100k parents that never end', () => {
    const capacity = 100_000;
    const deduper = new Deduper({ capacity });
    const call = extractor.extract(emitSpans({ name: 'chat', ...d.GEN_AI_CURRENT }).input('chat'));
    let counted = 0;
    let maxSize = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const parent = `p${(i * 7919) % 100_000}`;
      if (deduper.decide({ spanId: `c${i}`, parentSpanId: parent }, call)) counted++;
      if (i % 1000 === 0) maxSize = Math.max(maxSize, deduper.size);
    }
    expect(counted).toBe(1_000_000);
    expect(Math.max(maxSize, deduper.size)).toBeLessThanOrEqual(capacity);
    // 100k distinct parents in a 100k bound: the young generation (50k) rotates, and
    // every id present when a generation is dropped is counted as evicted.
    expect(deduper.evicted).toBeGreaterThan(0);
    expect(deduper.size + deduper.evicted).toBeGreaterThanOrEqual(100_000);
  });

  it('remembers a mark across batches while within capacity', () => {
    const deduper = new Deduper({ capacity: 10 });
    const call = extractor.extract(emitSpans({ name: 'chat', ...d.GEN_AI_CURRENT }).input('chat'));
    deduper.decide({ spanId: 'child', parentSpanId: 'parent' }, call);
    for (let i = 0; i < 4; i++) deduper.decide({ spanId: `o${i}`, parentSpanId: `op${i}` }, call);
    expect(deduper.size).toBe(5);
    expect(deduper.decide({ spanId: 'parent', parentSpanId: undefined }, call)).toBe(false);
  });

  it('forgets the oldest marks beyond capacity (that parent is then counted)', () => {
    const deduper = new Deduper({ capacity: 4 });
    const call = extractor.extract(emitSpans({ name: 'chat', ...d.GEN_AI_CURRENT }).input('chat'));
    deduper.decide({ spanId: 'child', parentSpanId: 'parent' }, call);
    for (let i = 0; i < 4; i++) deduper.decide({ spanId: `o${i}`, parentSpanId: `op${i}` }, call);
    expect(deduper.size).toBeLessThanOrEqual(4);
    // Generations of 2: {parent, op0} are dropped when op3 arrives.
    expect(deduper.evicted).toBe(2);
    expect(deduper.decide({ spanId: 'parent', parentSpanId: undefined }, call)).toBe(true);
  });

  it('holds nothing for spans that are not LLM spans', () => {
    const deduper = new Deduper();
    for (let i = 0; i < 10_000; i++) deduper.passThrough(`s${i}`, `p${i}`);
    expect([deduper.size, deduper.evicted]).toEqual([0, 0]);
  });
});
