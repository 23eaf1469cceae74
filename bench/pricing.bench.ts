// Median per-call time of PriceBook.price vs @pydantic/genai-prices calcPrice on the same calls.
import { calcPrice } from '@pydantic/genai-prices';
import { PriceBook, providerToCatalogId } from '../src/pricing/index.js';
import type { LlmCall } from '../src/types.js';

const MODELS: [provider: string, model: string][] = [
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4o-mini-2024-07-18'],
  ['openai', 'o3'],
  ['anthropic', 'claude-3-5-sonnet-20241022'],
  ['anthropic', 'claude-3-5-haiku'],
  ['gcp.vertex_ai', 'gemini-2.5-pro'],
  ['gcp.gemini', 'gemini-2.5-flash'],
  ['aws.bedrock', 'anthropic.claude-3-5-sonnet-20241022-v2:0'],
  ['mistral_ai', 'mistral-large-latest'],
  ['deepseek', 'deepseek-chat'],
  ['x_ai', 'grok-3'],
  ['groq', 'llama-3.3-70b-versatile'],
];
const CALLS = 2_000;
const ROUNDS = 25;

function makeCalls(): LlmCall[] {
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const calls: LlmCall[] = [];
  for (let i = 0; i < CALLS; i++) {
    const [provider, model] = MODELS[i % MODELS.length] as [string, string];
    const input = 500 + rand(300_000);
    const cacheRead = rand(input + 1);
    const cacheWrite = rand(input - cacheRead + 1);
    const output = rand(8_000);
    calls.push({
      traceId: 't', spanId: `s${i}`, parentSpanId: undefined,
      startTimeMs: Date.UTC(2025, 0, 1) + rand(600) * 86_400_000 + rand(86_400_000), endTimeMs: 0,
      provider, requestModel: model, responseModel: undefined, operation: 'chat',
      inputTokens: input, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite, outputTokens: output, reasoningTokens: rand(output + 1),
      sessionId: undefined, userId: undefined, agentName: undefined, serviceName: 'bench', error: undefined,
      dialect: 'gen_ai', role: 'call', dimensions: {},
    });
  }
  return calls;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Median over rounds of the mean ns per call within a round. */
function measure(run: () => number): { nsPerCall: number; sink: number } {
  let sink = 0;
  const perCall: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    sink += run();
    perCall.push(Number(process.hrtime.bigint() - start) / CALLS);
  }
  return { nsPerCall: median(perCall), sink };
}

const calls = makeCalls();
const book = new PriceBook();
const direct = calls.map((c) => ({
  usage: {
    input_tokens: c.inputTokens as number,
    cache_read_tokens: c.cacheReadTokens as number,
    cache_write_tokens: c.cacheWriteTokens as number,
    output_tokens: c.outputTokens as number,
    output_reasoning_tokens: c.reasoningTokens as number,
  },
  model: c.requestModel as string,
  options: { providerId: providerToCatalogId(c.provider), timestamp: new Date(c.startTimeMs) },
}));

// Same calls, same answers: check before timing.
let maxRel = 0;
for (let i = 0; i < CALLS; i++) {
  const got = book.price(calls[i] as LlmCall).costUsd;
  const d = direct[i]!;
  const want = calcPrice(d.usage, d.model, d.options)?.total_price;
  if (got === undefined || want === undefined) throw new Error(`not priced: ${d.model}`);
  maxRel = Math.max(maxRel, Math.abs(got - want) / Math.max(Math.abs(want), Number.MIN_VALUE));
}

const priceBook = measure(() => {
  let s = 0;
  for (let i = 0; i < CALLS; i++) s += book.price(calls[i] as LlmCall).costUsd ?? 0;
  return s;
});
const calc = measure(() => {
  let s = 0;
  for (let i = 0; i < CALLS; i++) {
    const d = direct[i]!;
    s += calcPrice(d.usage, d.model, d.options)?.total_price ?? 0;
  }
  return s;
});

const fmt = (ns: number) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} us` : `${ns.toFixed(0)} ns`);
console.log(`pricing: ${CALLS} calls x ${ROUNDS} rounds, ${MODELS.length} models, cache + reasoning tokens`);
console.log(`  PriceBook.price  ${fmt(priceBook.nsPerCall)} / call (median)`);
console.log(`  calcPrice        ${fmt(calc.nsPerCall)} / call (median)`);
console.log(`  speed-up         ${(calc.nsPerCall / priceBook.nsPerCall).toFixed(1)}x; max relative difference ${maxRel.toExponential(2)}`);
if (!(priceBook.sink > 0 && calc.sink > 0)) throw new Error('no cost summed');
