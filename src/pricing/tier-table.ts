// Service-tier prices that @pydantic/genai-prices 0.1.8 does not carry (it has no tiers at all).
// Each entry names its source and the date it took effect; a call before that date is priced at
// the standard rates. Users add or replace entries with `prices.tiers`.
//
// Checked 2026-12 against public copies of the providers' pages (no live web here); each entry
// says what the copy read shows, and what could not be checked.

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

const OPENAI_PRICING =
  'https://platform.openai.com/docs/pricing, Priority table (public copy of the page as it listed gpt-5.1, 2025-11: input / cached input / output per 1M)';

/** OpenAI's Priority processing list prices, USD per 1M tokens (input, cached input, output). */
function openAiPriority(model: string, input: number, cached: number, output: number): TierEntry {
  return {
    tier: 'priority',
    provider: 'openai',
    models: [model],
    price: { inputPerMTok: input, cacheReadPerMTok: cached, outputPerMTok: output },
    // GPT-5's launch day (gpt-5 and gpt-5-mini did not exist before). Not verified for the older
    // models: https://openai.com/api-priority-processing/ (public copy) lists gpt-4.1, gpt-4o,
    // gpt-4o-mini, o3 and o4-mini at these prices without GPT-5, so their Priority prices predate
    // 2025-08-07, but no copy reachable here gives the start date. A Priority call on those
    // models before 2025-08-07 is priced at the standard rates; add a `prices.tiers` entry
    // to price it at the Priority rate.
    since: '2025-08-07',
    source: OPENAI_PRICING,
  };
}

export const TIER_TABLE: readonly TierEntry[] = [
  {
    tier: 'flex',
    provider: 'openai',
    factor: 0.5,
    // (o4-mini's cached $0.138 in that table is $0.275 / 2, rounded.) Announced Thursday
    // 2025-04-17 for o3 and o4-mini (news copies: thetechportal.com 2025-04-18 "OpenAI launches
    // Flex processing", o3 $10 / $40 -> $5 / $20 per 1M; digpu: "announced on April 17, 2025").
    since: '2025-04-17',
    source:
      'https://platform.openai.com/docs/pricing, Flex table (public copy, 2025-11): every row half the Standard row, e.g. o3 $1.00 / $0.25 cached / $4.00 vs $2.00 / $0.50 / $8.00, gpt-5 $0.625 / $0.0625 / $5.00 vs $1.25 / $0.125 / $10.00 per 1M',
  },
  {
    tier: 'batch',
    provider: 'openai',
    factor: 0.5,
    // Not verified: no copy reachable here dates the Batch API's launch (2024-04-15 as first
    // written). Also not verified: the Batch table shows no cached-input price ("-") for
    // gpt-4.1, gpt-4o and the o-series, so whether their cache reads cost half the standard
    // cached rate (as priced here) or the batch input rate is unknown.
    since: '2024-04-15',
    source:
      'https://platform.openai.com/docs/pricing, Batch table (public copy, 2025-11): half the Standard row, e.g. gpt-4o $1.25 / $5.00 vs $2.50 / $10.00, gpt-5 $0.625 / $0.0625 cached / $5.00 per 1M',
  },
  // All ten rows as the Priority table of the copy reads them (also gpt-5.1 and the codex
  // models at gpt-5's prices, not listed here).
  openAiPriority('gpt-5', 2.5, 0.25, 20),
  openAiPriority('gpt-5-mini', 0.45, 0.045, 3.6),
  openAiPriority('gpt-4.1', 3.5, 0.875, 14),
  openAiPriority('gpt-4.1-mini', 0.7, 0.175, 2.8),
  openAiPriority('gpt-4.1-nano', 0.2, 0.05, 0.8),
  openAiPriority('gpt-4o', 4.25, 2.125, 17),
  // Its own catalog entry; no cached-input price in the table ("-"), so cache reads at input.
  openAiPriority('gpt-4o-2024-05-13', 8.75, 8.75, 26.25),
  openAiPriority('gpt-4o-mini', 0.25, 0.125, 1),
  openAiPriority('o3', 3.5, 0.875, 14),
  openAiPriority('o4-mini', 2, 0.5, 8),
  {
    tier: 'batch',
    provider: 'anthropic',
    factor: 0.5,
    // https://claude.com/blog/message-batches-api, dated October 8, 2024: "costs 50% less than
    // standard API calls".
    since: '2024-10-08',
    source:
      'https://platform.claude.com/docs/en/about-claude/pricing, Batch processing (public copy, 2026-03): "50% discount on both input and output tokens", e.g. Sonnet 4.5 $1.50 / $7.50 per 1M',
  },
  {
    tier: 'batch',
    provider: 'google',
    factor: 0.5,
    since: '2025-07-07',
    source:
      'https://developers.googleblog.com/ja/scale-your-ai-workloads-batch-mode-gemini-api (2025-07-07, English text, public copy): "Batch jobs are priced at 50% less than the standard rate for a given model"',
  },
];

// Not in the table, so priced at the standard rates (and labelled with their tier):
// - OpenAI `scale`: Scale Tier is bought as prepaid TPM bundles, no per-token list price
//   (https://help.openai.com/en/articles/11647665-priority-processing-faq, public copy: "Requests
//   sent to Priority processing ... will not count against your purchased Scale Tier TPM bundles").
// - Anthropic `priority`: Priority Tier is capacity agreed with Anthropic; its page gives burn-down
//   rates but no per-token price (https://platform.claude.com/docs/en/api/service-tiers, public copy).
// Add your own terms with `prices.tiers`.
