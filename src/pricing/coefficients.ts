import { calcPrice } from '@pydantic/genai-prices';
import type { ModelPrice, Provider, Usage } from '@pydantic/genai-prices';

/** USD per token of each token type, valid for one range of total input tokens. */
export interface Bracket {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
  /** Flat USD per call (requests_kcount prices). */
  perRequest: number;
}

/**
 * A ModelPrice reduced to linear coefficients. `brackets[i]` applies when exactly `i` of the
 * ascending tier `starts` are below the call's total input tokens (genai-prices picks a tier
 * when input > start).
 */
export interface CompiledPrice {
  starts: number[];
  brackets: Bracket[];
}

const PROBE_MODEL = 'otel-llm-cost-probe';
const OUTPUT_PROBE = 1_000_000;

function isTiered(value: unknown): value is { tiers: { start: number }[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { tiers?: unknown }).tiers);
}

function tierStarts(prices: ModelPrice): number[] {
  const starts = new Set<number>();
  for (const value of Object.values(prices)) {
    if (!isTiered(value)) continue;
    for (const tier of value.tiers) starts.add(tier.start);
  }
  return [...starts].sort((a, b) => a - b);
}

/**
 * Derives per-token coefficients by asking calcPrice about unit usages against a one-model
 * provider holding exactly this ModelPrice. calcPrice splits usage into leaves linearly
 * (a type without its own price falls back to its parent's, e.g. cache reads at the input
 * price), so probing reproduces its result for any usage in the same bracket.
 * Throws whatever calcPrice throws for this price (the caller marks the model unpriceable).
 */
export function compilePrice(prices: ModelPrice): CompiledPrice {
  const provider: Provider = {
    id: PROBE_MODEL,
    name: PROBE_MODEL,
    api_pattern: '(?!)',
    models: [{ id: PROBE_MODEL, match: { equals: PROBE_MODEL }, prices }],
  };
  const probe = (usage: Usage) => {
    const result = calcPrice(usage, PROBE_MODEL, { provider });
    if (result === null) throw new Error('probe model did not resolve');
    return result;
  };
  const starts = tierStarts(prices);
  const brackets: Bracket[] = [];
  for (let i = 0; i <= starts.length; i++) {
    const lower = i === 0 ? undefined : (starts[i - 1] as number);
    // Any input count inside the bracket works; with a first tier starting at 0 the base
    // bracket holds only input = 0, where input-side coefficients never apply.
    const x = lower === undefined ? (starts[0] === 0 ? 0 : 1) : lower + 1;
    const base = probe({ input_tokens: x });
    const perInput = (usage: Usage) => (x === 0 ? 0 : probe(usage).input_price / x);
    brackets.push({
      input: x === 0 ? 0 : base.input_price / x,
      cacheRead: perInput({ input_tokens: x, cache_read_tokens: x }),
      cacheWrite: perInput({ input_tokens: x, cache_write_tokens: x }),
      output: probe({ input_tokens: x, output_tokens: OUTPUT_PROBE }).output_price / OUTPUT_PROBE,
      reasoning:
        probe({ input_tokens: x, output_tokens: OUTPUT_PROBE, output_reasoning_tokens: OUTPUT_PROBE }).output_price /
        OUTPUT_PROBE,
      perRequest: base.total_price - base.input_price - base.output_price,
    });
  }
  return { starts, brackets };
}

/** The bracket for a call with `inputTokens` total input tokens. */
export function bracketFor(compiled: CompiledPrice, inputTokens: number): Bracket {
  const { starts, brackets } = compiled;
  let i = 0;
  while (i < starts.length && inputTokens > (starts[i] as number)) i++;
  return brackets[i] as Bracket;
}
