// Hot-path cost of stages 1-2: Extractor.isCandidate / extract and Deduper.decide / passThrough
// (median ns per op), then 1M LLM spans under 100k distinct parents through the Deduper
// (size, evictions and peak RSS).
//
// The "SDK spans, mixed" rows feed extract() spans of many attribute shapes, each built by a
// real BasicTracerProvider's setAttribute (one hidden class per shape), in turn: that makes the
// property-access sites megamorphic, as in an app running several instrumentations. The rows
// before them see one shape at a time (monomorphic sites) and so read lower. The Vercel shapes
// have 20-25 attributes: past 19, V8 keeps such objects in dictionary mode (hash-table look-ups,
// no enum cache), so they cost more than the others whichever way they are read.
import type { Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Deduper } from '../src/dedupe/index.js';
import { Extractor } from '../src/extract/index.js';
import { spanInputFromReadable } from '../src/readable-span.js';
import type { LlmCall, SpanInput } from '../src/types.js';
import * as d from '../test/fixtures/dialects.js';
import { emitSpans } from '../test/fixtures/spans.js';
import { fmtNs, medianNsPerOp, printTable } from './lib/measure.js';

const run = emitSpans([
  {
    name: 'POST /v1/checkout',
    attributes: {
      'http.request.method': 'POST',
      'url.full': 'https://shop.example.com/v1/checkout',
      'url.scheme': 'https',
      'server.address': 'shop.example.com',
      'server.port': 443,
      'http.response.status_code': 200,
      'network.protocol.version': '1.1',
      'user_agent.original': 'node',
    },
  },
  { name: 'genai', ...d.GEN_AI_CURRENT },
  { name: 'vercel', ...d.VERCEL_DO_GENERATE },
  { name: 'openinference', ...d.OPENINFERENCE_OPENAI },
]);
const httpSpan = run.input('POST /v1/checkout');
const genAiSpan = run.input('genai');
const extractor = new Extractor({ dimensions: ['deployment.environment'] });
let sink = 0;

const rows: Array<Record<string, string | number>> = [];
const bench = (name: string, op: (i: number) => void, batch = 10_000): void => {
  const ns = medianNsPerOp(op, batch, 200, 20);
  rows.push({ operation: name, 'median per op': fmtNs(ns), ns: Number(ns.toFixed(1)) });
};

bench('isCandidate (plain HTTP span, 8 attributes)', () => {
  if (extractor.isCandidate(httpSpan.attributes)) sink++;
});
bench('isCandidate (GenAI span)', () => {
  if (extractor.isCandidate(genAiSpan.attributes)) sink++;
});
for (const name of ['genai', 'vercel', 'openinference']) {
  const span = run.input(name);
  bench(`extract (${name} LLM span)`, () => {
    sink += extractor.extract(span)?.inputTokens ?? 0;
  }, 1000);
}

// Spans ended through a real BasicTracerProvider, attributes set one by one as instrumentations
// do (request attributes, then usage at the end), in several shapes per dialect.
interface Shape {
  name: string;
  fixture: d.DialectFixture;
  /** Attributes set before the fixture's (e.g. recorded prompt messages). */
  before?: Attributes;
  reversed?: boolean;
}
const MESSAGES: Attributes = {
  'llm.input_messages.0.message.role': 'system',
  'llm.input_messages.0.message.content': 'You are terse.',
  'llm.input_messages.1.message.role': 'user',
  'llm.input_messages.1.message.content': 'Hi',
  'llm.output_messages.0.message.role': 'assistant',
  'llm.invocation_parameters': '{"temperature":0}',
};
const GEN_AI_EXTRA: Attributes = {
  'server.address': 'api.openai.com',
  'server.port': 443,
  'gen_ai.request.temperature': 0.2,
  'gen_ai.response.id': 'chatcmpl-9',
  'gen_ai.response.finish_reasons': ['stop'],
};
const VERCEL_EXTRA: Attributes = {
  'ai.prompt.messages': '[{"role":"user","content":"Hi"}]',
  'ai.settings.maxRetries': 2,
  'ai.response.finishReason': 'stop',
  'ai.response.id': 'resp_1',
  'ai.telemetry.functionId': 'answer',
};
const SHAPES: Shape[] = [
  { name: 'genai', fixture: d.GEN_AI_CURRENT },
  { name: 'genai+extra', fixture: d.GEN_AI_CURRENT, before: GEN_AI_EXTRA },
  { name: 'genai reversed', fixture: d.GEN_AI_CURRENT, reversed: true },
  { name: 'openinference', fixture: d.OPENINFERENCE_OPENAI },
  { name: 'openinference+messages', fixture: d.OPENINFERENCE_OPENAI, before: MESSAGES },
  { name: 'openinference reversed', fixture: d.OPENINFERENCE_OPENAI, reversed: true },
  { name: 'vercel', fixture: d.VERCEL_DO_GENERATE },
  { name: 'vercel+extra', fixture: d.VERCEL_DO_GENERATE, before: VERCEL_EXTRA },
  { name: 'vercel reversed', fixture: d.VERCEL_DO_GENERATE, reversed: true },
  { name: 'otel-openai', fixture: d.OTEL_CONTRIB_OPENAI },
  { name: 'openllmetry-anthropic', fixture: d.OPENLLMETRY_ANTHROPIC },
  { name: 'langchain', fixture: d.OPENINFERENCE_LANGCHAIN_LLM, before: MESSAGES },
];
const COPIES = 16;

function sdkSpans(): ReadableSpan[] {
  const ended: ReadableSpan[] = [];
  const collector: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (span) => void ended.push(span),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'deployment.environment': 'prod' }),
    spanProcessors: [collector],
  });
  // Interleaved (shape 0, 1, ..., 0, 1, ...) so consecutive extract() calls change shape.
  for (let copy = 0; copy < COPIES; copy++) {
    for (const shape of SHAPES) {
      const tracer = provider.getTracer(shape.fixture.scope.name, shape.fixture.scope.version);
      const span = tracer.startSpan(shape.name);
      for (const [key, value] of Object.entries(shape.before ?? {})) span.setAttribute(key, value!);
      const entries = Object.entries(shape.fixture.attributes);
      if (shape.reversed === true) entries.reverse();
      for (const [key, value] of entries) {
        span.setAttribute(key, typeof value === 'number' && key.includes('token') ? value + copy : value!);
      }
      span.end();
    }
  }
  return ended;
}
const sdkReadable = sdkSpans();
const sdkInputs: SpanInput[] = sdkReadable.map(spanInputFromReadable);
const sdkExtractor = new Extractor({ dimensions: ['deployment.environment'] });
for (const input of sdkInputs) {
  if (sdkExtractor.extract(input) === undefined) throw new Error(`not extracted: ${input.name}`);
}
bench(`extract (SDK spans, ${SHAPES.length} shapes mixed)`, (i) => {
  sink += sdkExtractor.extract(sdkInputs[i % sdkInputs.length]!)?.inputTokens ?? 0;
}, 1000);
bench(`spanInputFromReadable + extract (SDK spans, ${SHAPES.length} shapes mixed)`, (i) => {
  sink += sdkExtractor.extract(spanInputFromReadable(sdkReadable[i % sdkReadable.length]!))?.inputTokens ?? 0;
}, 1000);
// One dialect at a time, after the mixed rows (the sites stay megamorphic).
for (const name of ['genai', 'openinference', 'vercel']) {
  const spans = sdkInputs.filter((s) => s.name === name);
  bench(`extract (SDK span ${name}, sites megamorphic)`, (i) => {
    sink += sdkExtractor.extract(spans[i % spans.length]!)?.inputTokens ?? 0;
  }, 1000);
}

const call = extractor.extract(run.input('genai')) as LlmCall;
const PARENTS = 100_000;
const ids = Array.from({ length: 1_000_000 }, (_, i) => `c${i.toString(16).padStart(16, '0')}`);
const parents = Array.from({ length: PARENTS }, (_, i) => `p${i.toString(16).padStart(16, '0')}`);
{
  const deduper = new Deduper();
  bench('Deduper.decide (LLM span, marks its parent)', (i) => {
    if (deduper.decide({ spanId: ids[i % ids.length]!, parentSpanId: parents[i % PARENTS] }, call)) sink++;
  });
}
{
  // The usual shape: an LLM span ends, then its parent wrapper; the mark is consumed at once.
  const deduper = new Deduper();
  bench('Deduper.decide (LLM span then its wrapper parent)', (i) => {
    const parent = parents[i % PARENTS]!;
    if (deduper.decide({ spanId: ids[i % ids.length]!, parentSpanId: parent }, call)) sink++;
    if (deduper.decide({ spanId: parent, parentSpanId: undefined }, undefined)) sink++;
  });
}
{
  const empty = new Deduper();
  bench('Deduper.passThrough (no marks held)', (i) => empty.passThrough(ids[i % ids.length]!, parents[i % PARENTS]));
  const busy = new Deduper();
  for (let i = 0; i < 50_000; i++) busy.decide({ spanId: ids[i]!, parentSpanId: parents[i % PARENTS] }, call);
  bench('Deduper.passThrough (50k marks held, miss)', (i) => busy.passThrough(ids[i % ids.length]!, parents[i % PARENTS]));
}
printTable(rows);

// 1M LLM spans under 100k distinct parents that never end, default capacity (100k).
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
gc();
const rssBefore = process.memoryUsage().rss;
let deduper: Deduper | undefined = new Deduper();
let counted = 0;
let maxSize = 0;
const t0 = process.hrtime.bigint();
for (let i = 0; i < ids.length; i++) {
  if (deduper.decide({ spanId: ids[i]!, parentSpanId: parents[(i * 7919) % PARENTS] }, call)) counted++;
  if ((i & 1023) === 0) maxSize = Math.max(maxSize, deduper.size);
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const size = deduper.size;
const evicted = deduper.evicted;
// Heap the deduper retains: live heap with it, minus live heap once it is dropped.
gc();
const heapWith = process.memoryUsage().heapUsed;
deduper = undefined;
gc();
const heapHeld = heapWith - process.memoryUsage().heapUsed;
printTable([
  {
    spans: ids.length,
    'distinct parents': PARENTS,
    counted,
    'max size': Math.max(maxSize, size),
    'final size': size,
    evicted,
    'ns/span': Number(((ms * 1e6) / ids.length).toFixed(1)),
    'deduper heap (MB)': Number((heapHeld / 2 ** 20).toFixed(1)),
    'rss before (MB)': Number((rssBefore / 2 ** 20).toFixed(1)),
    'peak rss (MB)': Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
  },
]);
if (sink === -1) console.log(sink);
