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

const ANTHROPIC_LONG_CONTEXT = 'https://docs.anthropic.com/en/docs/about-claude/pricing#long-context-pricing';
const BEDROCK_PRICING = 'https://aws.amazon.com/bedrock/pricing/ (Anthropic, long context)';
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
// discount. On 2025-09-05 (16:00 UTC) V3.1 prices replaced them and the off-peak window ended;
// on 2025-09-29 V3.2-Exp cut them. The catalog's shape holds whole days, so the day of
// 2025-09-05 is priced at the new rates.
const DEEPSEEK_V31: ModelPrice = { input_mtok: 0.56, cache_read_mtok: 0.07, output_mtok: 1.68 };
const DEEPSEEK_V32: ModelPrice = { input_mtok: 0.28, cache_read_mtok: 0.028, output_mtok: 0.42 };

function deepseek(model: string, offPeak: ModelPrice, peak: ModelPrice): Correction {
  const stale: ConditionalPrice[] = [
    { prices: offPeak },
    { constraint: { start_time: '00:30:00Z', end_time: '16:30:00Z', type: 'time_of_date' }, prices: peak },
  ];
  return {
    provider: 'deepseek',
    model,
    stale,
    prices: [...stale, from('2025-09-05', DEEPSEEK_V31), from('2025-09-29', DEEPSEEK_V32)],
    summary: 'no off-peak discount from 2025-09-05 ($0.56 in / $0.07 cached / $1.68 out per 1M); $0.28 / $0.028 / $0.42 from 2025-09-29',
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
