// Dated corrections over the @pydantic/genai-prices catalog (0.1.8, the newest on npm), in the
// catalog's own shape: a model's `prices` (a ModelPrice, or ConditionalPrices with start dates).
//
// A correction replaces a catalog entry's prices only while the catalog still holds exactly
// the prices it was written against (`stale`). Once a newer catalog (a new release, or
// prices.catalogFile) changes that entry, the correction steps aside: it can never apply on
// top of a catalog that already has the fix.

import type { ConditionalPrice, ModelInfo, ModelPrice, TieredPrices } from '@pydantic/genai-prices';

export interface Correction {
  /** genai-prices provider id and model id of the entry corrected. */
  provider: string;
  model: string;
  /** The catalog's prices this corrects, exactly as the catalog has them. */
  stale: ModelInfo['prices'];
  /** The corrected prices, in the catalog's shape. */
  prices: ModelInfo['prices'];
  /** What changes and since when. */
  summary: string;
  /** Where the corrected prices are published. */
  source: string;
}

function tiered(base: number, above200k: number): TieredPrices {
  return { base, tiers: [{ start: 200_000, price: above200k }] };
}

// Checked 2026-12 against public copies of these pages (no live web here):
// - Anthropic (https://platform.claude.com/docs/en/about-claude/pricing, copy scraped 2026-03-23),
//   "Long context pricing": "For Claude Sonnet 4.5 and Sonnet 4, requests exceeding 200k input
//   tokens are charged at premium long context rates", $3 / $15 -> $6 / $22.50 per 1M. Cache
//   prices are the page's multipliers of the input price (5m write 1.25x, 1h write 2x, read 0.1x):
//   $7.50 / $12 / $0.60 above 200k, as the bundled catalog already prices claude-sonnet-4-5.
//   The 1M window (so input above 200k) opened for Sonnet 4 on the Anthropic API and Bedrock on
//   2025-08-12 (news copies: thenewstack.io, aitechsuite.com and omeganext, all of 2025-08-12).
// - Bedrock: not verified on https://aws.amazon.com/bedrock/pricing/ itself (no copy reachable
//   here shows its figures; they render client-side). The Anthropic page above says regional
//   Bedrock endpoints of Sonnet 4.5 and later cost 10% more than global ones; public transcripts
//   of the Bedrock table read "Claude Sonnet 4.5 - Long Context" $0.006 / $0.0225 per 1K (global;
//   cache write 5m $0.0075, 1h $0.012, read $0.0006) and $6.60 / $24.75 per 1M (regional). No
//   transcript with Bedrock's Sonnet 4 long-context figures was found: those are Anthropic's.
// - DeepSeek (https://api-docs.deepseek.com/quick_start/pricing, copies of 2025-09, 2026-04 and
//   2026-05): see DEEPSEEK_* below. The genai-prices repository's own deepseek.yml (a version with
//   deepseek-v4 entries, prices checked 2026-06) still has the February 2025 prices for
//   deepseek-chat and deepseek-reasoner, so these corrections are not in any newer catalog.
const ANTHROPIC_LONG_CONTEXT = 'https://platform.claude.com/docs/en/about-claude/pricing#long-context-pricing';
const BEDROCK_PRICING =
  'https://aws.amazon.com/bedrock/pricing/ (not verified: no copy reachable; figures from Anthropic\'s pricing page and its 10% regional premium)';
const DEEPSEEK_PRICING = 'https://api-docs.deepseek.com/quick_start/pricing';

// Claude Sonnet 4 / 4.5 above 200k input tokens: input x2, output x1.5, cache prices follow input.
const SONNET_STANDARD: ModelPrice = { input_mtok: 3, cache_write_mtok: 3.75, cache_read_mtok: 0.3, output_mtok: 15 };
const SONNET_LONG_CONTEXT: ModelPrice = {
  input_mtok: tiered(3, 6),
  cache_write_mtok: tiered(3.75, 7.5),
  cache_read_mtok: tiered(0.3, 0.6),
  output_mtok: tiered(15, 22.5),
};
// Bedrock's regional (geo) endpoints of Sonnet 4.5 cost 10% more than global ones.
const SONNET_45_REGIONAL: ModelPrice = { input_mtok: 3.3, cache_write_mtok: 4.125, cache_read_mtok: 0.33, output_mtok: 16.5 };
const SONNET_45_REGIONAL_LONG_CONTEXT: ModelPrice = {
  input_mtok: tiered(3.3, 6.6),
  cache_write_mtok: tiered(4.125, 8.25),
  cache_read_mtok: tiered(0.33, 0.66),
  output_mtok: tiered(16.5, 24.75),
};
/** The 1M-token context window (and so input above 200k) opened for Sonnet 4 on 2025-08-12. */
const SONNET_4_LONG_CONTEXT_FROM = '2025-08-12';

function from(date: string, prices: ModelPrice): ConditionalPrice {
  return { constraint: { type: 'start_date', start_date: date }, prices };
}

// DeepSeek: the catalog holds the February 2025 prices with the 16:30-00:30 UTC off-peak
// discount. The pricing page (copy of 2025-09): "Starting from 16:00 UTC Time on Sept 5th, 2025,
// we will apply the following price list and cancel the nighttime discount": $0.07 cache hit /
// $0.56 cache miss / $1.68 output per 1M, one price for deepseek-chat and deepseek-reasoner.
// On 2025-09-29 V3.2-Exp cut them ("API prices drop 50%+, effective immediately", DeepSeek's news
// of that day as quoted by skywork.ai and cometapi.com): $0.028 / $0.28 / $0.42 (the page as
// copied by benchlm.ai, 2026-04, both names on DeepSeek-V3.2). On 2026-04-24 V4 Preview shipped
// and both names became deepseek-v4-flash (pricing page copy, 2026-05: "For compatibility, they
// correspond to the non-thinking mode and thinking mode of deepseek-v4-flash"): $0.14 cache miss
// / $0.28 output, and a cache hit at $0.0028 from "2026/4/26 12:15 UTC", "1/10 of the launch
// price", so $0.028 on 2026-04-24 and 25 (also the launch table in RMB: 0.2 hit / 1 miss). The
// names stop answering after 2026-07-24 15:59 UTC. The catalog's shape holds whole UTC days, so
// 2025-09-05 and 2026-04-26 are priced at the new rates all day.
const DEEPSEEK_V31: ModelPrice = { input_mtok: 0.56, cache_read_mtok: 0.07, output_mtok: 1.68 };
const DEEPSEEK_V32: ModelPrice = { input_mtok: 0.28, cache_read_mtok: 0.028, output_mtok: 0.42 };
const DEEPSEEK_V4_FLASH_LAUNCH: ModelPrice = { input_mtok: 0.14, cache_read_mtok: 0.028, output_mtok: 0.28 };
const DEEPSEEK_V4_FLASH: ModelPrice = { input_mtok: 0.14, cache_read_mtok: 0.0028, output_mtok: 0.28 };

function deepseek(model: string, offPeak: ModelPrice, peak: ModelPrice): Correction {
  const stale: ConditionalPrice[] = [
    { prices: offPeak },
    { constraint: { start_time: '00:30:00Z', end_time: '16:30:00Z', type: 'time_of_date' }, prices: peak },
  ];
  return {
    provider: 'deepseek',
    model,
    stale,
    prices: [
      ...stale,
      from('2025-09-05', DEEPSEEK_V31),
      from('2025-09-29', DEEPSEEK_V32),
      from('2026-04-24', DEEPSEEK_V4_FLASH_LAUNCH),
      from('2026-04-26', DEEPSEEK_V4_FLASH),
    ],
    summary:
      'no off-peak discount from 2025-09-05 ($0.56 in / $0.07 cached / $1.68 out per 1M); $0.28 / $0.028 / $0.42 from 2025-09-29; deepseek-v4-flash $0.14 / $0.028 / $0.28 from 2026-04-24, cached $0.0028 from 2026-04-26',
    source: DEEPSEEK_PRICING,
  };
}

export const CORRECTIONS: readonly Correction[] = [
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-0',
    stale: { ...SONNET_STANDARD, cache_write_1h_mtok: 6, web_searches_kcount: 10 },
    prices: [
      { prices: { ...SONNET_STANDARD, cache_write_1h_mtok: 6, web_searches_kcount: 10 } },
      from(SONNET_4_LONG_CONTEXT_FROM, {
        ...SONNET_LONG_CONTEXT,
        cache_write_1h_mtok: tiered(6, 12),
        web_searches_kcount: 10,
      }),
    ],
    summary: `above 200k input tokens: $6 in / $22.50 out per 1M (cache $7.50 write, $0.60 read), from ${SONNET_4_LONG_CONTEXT_FROM}`,
    source: ANTHROPIC_LONG_CONTEXT,
  },
  ...['global.anthropic.claude-sonnet-4-20250514-v1:0', 'regional.anthropic.claude-sonnet-4-20250514-v1:0'].map(
    (model): Correction => ({
      provider: 'aws',
      model,
      stale: SONNET_STANDARD,
      prices: [{ prices: SONNET_STANDARD }, from(SONNET_4_LONG_CONTEXT_FROM, SONNET_LONG_CONTEXT)],
      summary: `above 200k input tokens: $6 in / $22.50 out per 1M (cache $7.50 write, $0.60 read), from ${SONNET_4_LONG_CONTEXT_FROM}`,
      source: BEDROCK_PRICING,
    }),
  ),
  {
    provider: 'aws',
    model: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    stale: SONNET_STANDARD,
    prices: SONNET_LONG_CONTEXT,
    summary: 'above 200k input tokens: $6 in / $22.50 out per 1M (cache $7.50 write, $0.60 read)',
    source: BEDROCK_PRICING,
  },
  {
    provider: 'aws',
    model: 'regional.anthropic.claude-sonnet-4-5-20250929-v1:0',
    stale: SONNET_45_REGIONAL,
    prices: SONNET_45_REGIONAL_LONG_CONTEXT,
    summary: 'above 200k input tokens: $6.60 in / $24.75 out per 1M (cache $8.25 write, $0.66 read)',
    source: BEDROCK_PRICING,
  },
  deepseek('deepseek-chat', { input_mtok: 0.135, cache_read_mtok: 0.035, output_mtok: 0.55 }, { input_mtok: 0.27, cache_read_mtok: 0.07, output_mtok: 1.1 }),
  deepseek('deepseek-reasoner', { input_mtok: 0.135, cache_read_mtok: 0.035, output_mtok: 0.55 }, { input_mtok: 0.55, cache_read_mtok: 0.14, output_mtok: 2.19 }),
];
