// Hot-path cost of stages 1-2: Extractor.isCandidate / extract and Deduper.decide / passThrough
// (median ns per op), then 1M LLM spans under 100k distinct parents through the Deduper
// (size, evictions and peak RSS).
import { Deduper } from '../src/dedupe/index.js';
import { Extractor } from '../src/extract/index.js';
import type { LlmCall } from '../src/types.js';
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
