import { describe, expect, it } from 'vitest';
import { UnnestedCopies } from '../../src/dedupe/unnested-copies.js';
import { pricedCall as testCall } from '../analytics/factory.js';
import { Deduper, Verdict } from '../../src/dedupe/index.js';
import { Extractor } from '../../src/extract/index.js';
import type { SpanInput } from '../../src/types.js';
import * as d from '../fixtures/dialects.js';
import type { SpanSpec } from '../fixtures/spans.js';
import { emitSpans } from '../fixtures/spans.js';

const extractor = new Extractor();

function langchainLlm(name: string, model: string, timeMs: readonly [number, number]): SpanSpec {
  const { scope, attributes } = d.OPENINFERENCE_LANGCHAIN_LLM;
  return { name, scope, attributes: { ...attributes, 'llm.model_name': model }, timeMs };
}
function openAiChat(name: string, model: string, timeMs: readonly [number, number]): SpanSpec {
  const { scope, attributes } = d.OTEL_CONTRIB_OPENAI;
  return { name, scope, attributes: { ...attributes, 'gen_ai.request.model': model, 'gen_ai.response.model': `${model}-2025` }, timeMs };
}

/** In-process order: by end time, as the SDK calls onEnd. */
function count(inputs: readonly SpanInput[], deduper: Deduper): string[] {
  const ordered = [...inputs].sort((a, b) => a.endTimeMs - b.endTimeMs);
  return ordered.filter((span) => deduper.decide(span, extractor.extract(span))).map((s) => s.name);
}

// The shape test/examples/langchain.test.ts measured with the real libraries: the OpenAI client
// span hangs off the request span, next to (not under) LangChain's chain and LLM spans.
const langchainApp: SpanSpec = {
  name: 'handle-request',
  timeMs: [0, 1000],
  children: [
    {
      name: 'chain',
      ...d.OPENINFERENCE_LANGCHAIN_CHAIN,
      timeMs: [10, 900],
      children: [langchainLlm('lc-llm-1', 'gpt-4o-mini', [20, 400]), langchainLlm('lc-llm-2', 'o4-mini', [410, 890])],
    },
    openAiChat('oa-chat-1', 'gpt-4o-mini', [25, 395]),
    openAiChat('oa-chat-2', 'o4-mini', [415, 885]),
    { name: 'oa-embed', ...d.OPENINFERENCE_EMBEDDING, scope: d.OTEL_CONTRIB_OPENAI.scope, timeMs: [950, 990] },
  ],
};

describe('matchUnnestedCopies', () => {
  it('is off by default: the unnested LangChain and OpenAI spans of one request both count', () => {
    const run = emitSpans(langchainApp);
    expect(count(run.inputs, new Deduper())).toEqual(['oa-chat-1', 'lc-llm-1', 'oa-chat-2', 'lc-llm-2', 'oa-embed']);
  });

  it('counts each request once, keeping the span that ended first', () => {
    const run = emitSpans(langchainApp);
    expect(count(run.inputs, new Deduper({ matchUnnestedCopies: true }))).toEqual(['oa-chat-1', 'oa-chat-2', 'oa-embed']);
  });

  it('allows for the SDK\'s whole-millisecond start times: an inner span recorded ending 0.6 ms after its outer one is its copy, 1.5 ms after is not', () => {
    // The SDK records start = Date.now() (up to 1 ms early) and end = start + duration: an OpenAI
    // span ending 0.3 ms before the LangChain span can come out ending 0.6 ms after it.
    const app = (oaEnd: number): SpanSpec => ({
      name: 'handle-request',
      timeMs: [0, 1000],
      children: [langchainLlm('lc', 'gpt-4o-mini', [20, 400]), openAiChat('oa', 'gpt-4o-mini', [25, oaEnd])],
    });
    const decideInOrder = (oaEnd: number): string[] => {
      const run = emitSpans(app(oaEnd));
      const deduper = new Deduper({ matchUnnestedCopies: true });
      // End order as it really was: the OpenAI span first.
      return [run.input('oa'), run.input('lc')].filter((span) => deduper.decide(span, extractor.extract(span))).map((s) => s.name);
    };
    expect(decideInOrder(400.6)).toEqual(['oa']);
    expect(decideInOrder(401.5)).toEqual(['oa', 'lc']);
    // The collector, given the same spans as one batch.
    const batch = (oaEnd: number): string[] => {
      const inputs = emitSpans(app(oaEnd)).inputs;
      const verdicts = new Deduper({ matchUnnestedCopies: true }).decideBatch(inputs, inputs.map((span) => extractor.extract(span)));
      return inputs.filter((_, i) => verdicts[i] === Verdict.Counted).map((span) => span.name).sort();
    };
    expect(batch(400.6)).toHaveLength(1);
    expect(batch(401.5)).toEqual(['lc', 'oa']);
  });

  it('marks the ancestors of a copy, so a wrapper with usage above it does not count', () => {
    const run = emitSpans({
      name: 'agent',
      timeMs: [0, 500],
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.usage.input_tokens': 99, 'gen_ai.usage.output_tokens': 9 },
      children: [langchainLlm('lc', 'gpt-4o-mini', [10, 400])],
    });
    const other = run.input('lc');
    // The client span of the same request, in the same trace, outside the agent span.
    const client: SpanInput = {
      ...other,
      spanId: 'c0c0c0c0c0c0c0c0',
      parentSpanId: undefined,
      name: 'oa',
      startTimeMs: other.startTimeMs + 5,
      endTimeMs: other.endTimeMs - 5,
      scopeName: d.OTEL_CONTRIB_OPENAI.scope.name,
      attributes: { ...d.OTEL_CONTRIB_OPENAI.attributes, 'gen_ai.request.model': 'gpt-4o-mini' },
    };
    expect(count([...run.inputs, client], new Deduper({ matchUnnestedCopies: true }))).toEqual(['oa']);
  });

  it('pairs parallel requests one to one (2 LangChain calls + 2 client calls of one model = 2)', () => {
    const run = emitSpans({
      name: 'root',
      timeMs: [0, 200],
      children: [
        langchainLlm('lc-a', 'gpt-4o-mini', [0, 100]),
        langchainLlm('lc-b', 'gpt-4o-mini', [1, 101]),
        openAiChat('oa-a', 'gpt-4o-mini', [5, 95]),
        openAiChat('oa-b', 'gpt-4o-mini', [6, 96]),
      ],
    });
    expect(count(run.inputs, new Deduper({ matchUnnestedCopies: true }))).toEqual(['oa-a', 'oa-b']);
  });

  it('keeps parallel calls of one instrumentation apart even when one is inside the other in time', () => {
    const run = emitSpans({
      name: 'root',
      timeMs: [0, 200],
      children: [openAiChat('long', 'gpt-4o-mini', [0, 100]), openAiChat('short', 'gpt-4o-mini', [10, 50])],
    });
    expect(count(run.inputs, new Deduper({ matchUnnestedCopies: true }))).toEqual(['short', 'long']);
  });

  it('does not pair spans with different models, overlapping-only times, or different traces', () => {
    const differentModel = emitSpans({
      name: 'root',
      timeMs: [0, 200],
      children: [langchainLlm('lc', 'gpt-4o', [0, 100]), openAiChat('oa', 'gpt-4o-mini', [5, 95])],
    });
    expect(count(differentModel.inputs, new Deduper({ matchUnnestedCopies: true }))).toEqual(['oa', 'lc']);

    const overlapping = emitSpans({
      name: 'root',
      timeMs: [0, 200],
      children: [langchainLlm('lc', 'gpt-4o-mini', [0, 100]), openAiChat('oa', 'gpt-4o-mini', [50, 150])],
    });
    expect(count(overlapping.inputs, new Deduper({ matchUnnestedCopies: true }))).toEqual(['lc', 'oa']);

    const twoTraces = emitSpans([langchainLlm('lc', 'gpt-4o-mini', [0, 100]), openAiChat('oa', 'gpt-4o-mini', [5, 95])]);
    expect(count(twoTraces.inputs, new Deduper({ matchUnnestedCopies: true }))).toEqual(['oa', 'lc']);
  });

  it('counts each request once in a collector batch in any order', () => {
    const run = emitSpans(langchainApp);
    const deduper = new Deduper({ matchUnnestedCopies: true });
    const batch = [...run.inputs].reverse();
    const verdicts = deduper.decideBatch(batch, batch.map((span) => extractor.extract(span)));
    expect(batch.filter((_, i) => verdicts[i] === Verdict.Counted).map((s) => s.name)).toEqual(['oa-embed', 'oa-chat-2', 'oa-chat-1']);
  });
});

describe('UnnestedCopies index', () => {
  it('matches the first pair even when the second scope appears only after many single-scope calls', () => {
    const deduper = new Deduper({ matchUnnestedCopies: true });
    const solo = emitSpans(Array.from({ length: 50 }, (_, i) => openAiChat(`solo${i}`, 'gpt-4o-mini', [i * 10, i * 10 + 5])));
    expect(count(solo.inputs, deduper)).toHaveLength(50);
    const pair = emitSpans({
      name: 'request',
      timeMs: [0, 100],
      children: [openAiChat('client', 'gpt-4o', [10, 20]), langchainLlm('langchain', 'gpt-4o', [5, 30])],
    });
    expect(count(pair.inputs, deduper)).toEqual(['client']);
  });
});

describe('UnnestedCopies memory', () => {
  const call = (traceId: string, model: string, startTimeMs: number, endTimeMs: number) =>
    testCall({ traceId, requestModel: model, responseModel: model, at: endTimeMs, durationMs: endTimeMs - startTimeMs });

  it('pairs calls by trace id, whatever its shape, one copy per counted call', () => {
    const copies = new UnnestedCopies(8);
    const ids = ['0af7651916cd43dd8448eb211c80319c', '0AF7651916CD43DD8448EB211C80319C', 'trace-x'];
    const counted = ids.map((id) => call(id, 'gpt-4o', 10, 20));
    for (const c of counted) copies.remember(c, 'openai');
    // Another trace of the same shape, to be told apart from the first.
    const other = call('ffffffff00000000ffffffff00000001', 'gpt-4o', 10, 20);
    copies.remember(other, 'openai');
    // A claim names the counted call it copies.
    ids.forEach((id, i) => expect(copies.claim(call(id, 'gpt-4o', 5, 30), 'langchain')).toBe(counted[i]!.spanId));
    expect(copies.claim(call('ffffffff00000000ffffffff00000002', 'gpt-4o', 5, 30), 'langchain')).toBeUndefined();
    expect(copies.claim(call('ffffffff00000000ffffffff00000001', 'gpt-4o', 5, 30), 'langchain')).toBe(other.spanId);
    // Each counted call absorbs one copy only.
    expect(copies.claim(call(ids[0]!, 'gpt-4o', 5, 30), 'langchain')).toBeUndefined();
  });

  it('forgets the oldest calls past its capacity', () => {
    const copies = new UnnestedCopies(2);
    const a = '00000000000000000000000000000001';
    copies.remember(call(a, 'gpt-4o', 10, 20), 'openai');
    copies.remember(call('00000000000000000000000000000002', 'gpt-4o', 10, 20), 'openai');
    copies.remember(call('00000000000000000000000000000003', 'gpt-4o', 10, 20), 'openai');
    expect(copies.claim(call(a, 'gpt-4o', 5, 30), 'langchain')).toBeUndefined();
    expect(copies.size).toBe(2);
  });
});
