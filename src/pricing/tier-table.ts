// Service-tier prices that @pydantic/genai-prices 0.1.8 does not carry (it has no tiers at all).
// Each entry names its source and the date it took effect; a call before that date is priced at
// the standard rates. Users add or replace entries with `prices.tiers`.

import type { ServiceTier } from '../types.js';

/** USD per million tokens on a tier with its own price list. */
export interface TierListPrice {
  inputPerMTok: number;
  /** Default: inputPerMTok. */
  cacheReadPerMTok?: number;
  /** Default: inputPerMTok. */
  cacheWritePerMTok?: number;
  outputPerMTok: number;
  /** Default: outputPerMTok. */
  reasoningPerMTok?: number;
}

export interface TierEntry {
  tier: ServiceTier;
  /** genai-prices provider id. */
  provider: string;
  /** genai-prices model ids (case-insensitive); absent = every model of the provider. */
  models?: readonly string[];
  /** A factor on the standard price of every token type (0.5 = half price)... */
  factor?: number;
  /** ...or the tier's own list price. */
  price?: TierListPrice;
  /** YYYY-MM-DD, UTC: calls before it are priced at the standard rates. */
  since: string;
  /** Where the price is published. */
  source: string;
}

const OPENAI_PRICING = 'https://platform.openai.com/docs/pricing (Priority table, read 2025-10)';

/** OpenAI's Priority processing list prices, USD per 1M tokens (input, cached input, output). */
function openAiPriority(model: string, input: number, cached: number, output: number): TierEntry {
  return {
    tier: 'priority',
    provider: 'openai',
    models: [model],
    price: { inputPerMTok: input, cacheReadPerMTok: cached, outputPerMTok: output },
    // The date GPT-5 launched with Priority prices on the pricing page; the page gives no
    // separate start date per model.
    since: '2025-08-07',
    source: OPENAI_PRICING,
  };
}

export const TIER_TABLE: readonly TierEntry[] = [
  {
    tier: 'flex',
    provider: 'openai',
    factor: 0.5,
    since: '2025-04-16',
    source: 'https://platform.openai.com/docs/guides/flex-processing ("priced at Batch API rates", i.e. 50% of standard; launched with o3 and o4-mini, 2025-04-16)',
  },
  {
    tier: 'batch',
    provider: 'openai',
    factor: 0.5,
    since: '2024-04-15',
    source: 'https://platform.openai.com/docs/guides/batch ("50% cost discount compared to synchronous APIs"; Batch API launched 2024-04-15)',
  },
  openAiPriority('gpt-5', 2.5, 0.25, 20),
  openAiPriority('gpt-5-mini', 0.45, 0.045, 3.6),
  openAiPriority('gpt-4.1', 3.5, 0.875, 14),
  openAiPriority('gpt-4.1-mini', 0.7, 0.175, 2.8),
  openAiPriority('gpt-4.1-nano', 0.2, 0.05, 0.8),
  openAiPriority('gpt-4o', 4.25, 2.125, 17),
  openAiPriority('gpt-4o-mini', 0.25, 0.125, 1),
  openAiPriority('o3', 3.5, 0.875, 14),
  openAiPriority('o4-mini', 2, 0.5, 8),
  {
    tier: 'batch',
    provider: 'anthropic',
    factor: 0.5,
    since: '2024-10-08',
    source: 'https://docs.anthropic.com/en/docs/build-with-claude/batch-processing ("50% of standard API prices"; Message Batches API launched 2024-10-08)',
  },
  {
    tier: 'batch',
    provider: 'google',
    factor: 0.5,
    since: '2025-07-07',
    source: 'https://ai.google.dev/gemini-api/docs/batch-mode ("50% of the standard cost"; Batch Mode launched 2025-07-07)',
  },
];

// Not in the table, so priced at the standard rates (and labelled with their tier):
// - OpenAI `scale`: Scale Tier is bought as prepaid units; it has no per-token list price.
// - Anthropic `priority`: Priority Tier is a commitment agreed with Anthropic's sales; no
//   public list price (https://docs.anthropic.com/en/api/service-tiers).
// Add your own terms with `prices.tiers`.
