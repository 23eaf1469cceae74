// The dated corrections layer: exact prices against the providers' published prices (quoted
// with source and date), with and without the layer, and never on top of a catalog that
// already has the fix (a newer data file loaded with prices.catalogFile).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { updatePrices, waitForUpdate } from '@pydantic/genai-prices';
import type { Provider } from '@pydantic/genai-prices';
import { afterAll, describe, expect, it } from 'vitest';
import { PriceBook } from '../../src/pricing/index.js';
import { correctionStatuses } from '../../src/pricing/corrected-catalog.js';
import { llmCall } from './calls.js';

const M = 1e6;
const at = (iso: string) => Date.parse(iso);
const withLayer = new PriceBook();
const catalogOnly = new PriceBook({ corrections: false });

// Claude Sonnet 4 above 200k input tokens: $6 input / $22.50 output per 1M
// (https://platform.claude.com/docs/en/about-claude/pricing#long-context-pricing, public copy of 2026-03).
const sonnet4 = llmCall({ provider: 'anthropic', requestModel: 'claude-sonnet-4-20250514', inputTokens: 300_000, outputTokens: 2_000, startTimeMs: at('2025-10-01') });
// Bedrock, regional endpoint, Claude Sonnet 4.5 above 200k: $6.60 input / $24.75 output per 1M
// (Anthropic's $6 / $22.50 plus the 10% regional premium its pricing page states; public
// transcripts of https://aws.amazon.com/bedrock/pricing/ read the same; the AWS page itself was
// not reachable).
const bedrock45 = llmCall({ provider: 'aws.bedrock', requestModel: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', inputTokens: 300_000, outputTokens: 2_000, startTimeMs: at('2025-10-01') });
// DeepSeek from 2025-09-29: $0.28 cache miss / $0.028 cache hit / $0.42 output per 1M, no
// off-peak discount; 2025-09-05 to 09-28: $0.56 / $0.07 / $1.68; from 2026-04-24 (both names
// are deepseek-v4-flash): $0.14 / $0.028 / $0.28, cache hit $0.0028 from 2026-04-26
// (https://api-docs.deepseek.com/quick_start/pricing, public copies of 2025-09 and 2026-05).
const deepseekChat = llmCall({ provider: 'deepseek', requestModel: 'deepseek-chat', inputTokens: 100_000, cacheReadTokens: 40_000, outputTokens: 10_000, startTimeMs: at('2025-10-01T12:00:00Z') });
const reasonerOffPeak = llmCall({ provider: 'deepseek', requestModel: 'deepseek-reasoner', inputTokens: 100_000, cacheReadTokens: 40_000, outputTokens: 10_000, startTimeMs: at('2025-09-10T20:00:00Z') });

describe('corrections layer', () => {
  it('prices Claude Sonnet 4 above 200k input at the long-context rate; the catalog alone does not', () => {
    expect(withLayer.price(sonnet4).costUsd).toBeCloseTo((300_000 * 6 + 2_000 * 22.5) / M, 12);
    expect(catalogOnly.price(sonnet4).costUsd).toBeCloseTo((300_000 * 3 + 2_000 * 15) / M, 12);
    // At or below 200k nothing changes.
    const short = { ...sonnet4, inputTokens: 200_000 };
    expect(withLayer.price(short).costUsd).toBe(catalogOnly.price(short).costUsd);
  });

  it('prices Bedrock Claude Sonnet 4 / 4.5 above 200k at the long-context rate', () => {
    expect(withLayer.price(bedrock45).costUsd).toBeCloseTo((300_000 * 6.6 + 2_000 * 24.75) / M, 12);
    const bedrock4 = { ...bedrock45, requestModel: 'anthropic.claude-sonnet-4-20250514-v1:0' };
    expect(withLayer.price(bedrock4).costUsd).toBeCloseTo((300_000 * 6 + 2_000 * 22.5) / M, 12);
    expect(catalogOnly.price(bedrock4).costUsd).toBeCloseTo((300_000 * 3 + 2_000 * 15) / M, 12);
  });

  it('prices DeepSeek at its September 2025 and April 2026 prices, without the old off-peak window', () => {
    expect(withLayer.price(deepseekChat).costUsd).toBeCloseTo((60_000 * 0.28 + 40_000 * 0.028 + 10_000 * 0.42) / M, 12);
    expect(withLayer.price(reasonerOffPeak).costUsd).toBeCloseTo((60_000 * 0.56 + 40_000 * 0.07 + 10_000 * 1.68) / M, 12);
    // DeepSeek V4: the launch days, then the cache hit at a tenth.
    const v4Launch = { ...deepseekChat, startTimeMs: at('2026-04-25T12:00:00Z') };
    expect(withLayer.price(v4Launch).costUsd).toBeCloseTo((60_000 * 0.14 + 40_000 * 0.028 + 10_000 * 0.28) / M, 12);
    const v4 = { ...reasonerOffPeak, startTimeMs: at('2026-05-10T20:00:00Z') };
    expect(withLayer.price(v4).costUsd).toBeCloseTo((60_000 * 0.14 + 40_000 * 0.0028 + 10_000 * 0.28) / M, 12);
    // Before 2025-09-05 the catalog's February prices (with the off-peak window) stand.
    const before = { ...reasonerOffPeak, startTimeMs: at('2025-08-10T20:00:00Z') };
    expect(withLayer.price(before).costUsd).toBe(catalogOnly.price(before).costUsd);
    expect(withLayer.price(before).costUsd).toBeCloseTo((60_000 * 0.135 + 40_000 * 0.035 + 10_000 * 0.55) / M, 12);
  });

  it('lists every correction as applying to the bundled catalog', () => {
    const statuses = correctionStatuses();
    expect(statuses.map((s) => `${s.correction.provider}/${s.correction.model}:${s.status}`)).toEqual([
      'anthropic/claude-sonnet-4-0:applies',
      'aws/global.anthropic.claude-sonnet-4-20250514-v1:0:applies',
      'aws/regional.anthropic.claude-sonnet-4-20250514-v1:0:applies',
      'aws/global.anthropic.claude-sonnet-4-5-20250929-v1:0:applies',
      'aws/regional.anthropic.claude-sonnet-4-5-20250929-v1:0:applies',
      'deepseek/deepseek-chat:applies',
      'deepseek/deepseek-reasoner:applies',
    ]);
    for (const { correction } of statuses) expect(correction.source).toMatch(/^https:\/\//);
  });
});

describe('a newer catalog file (prices.catalogFile)', () => {
  let bundled: Provider[];
  afterAll(() => updatePrices(({ setProviderData }) => setProviderData(bundled)));

  it('prices from the file, and a correction the file already includes is not applied again', async () => {
    bundled = (await waitForUpdate()) as Provider[];
    const newer: Provider[] = structuredClone(bundled);
    const anthropic = newer.find((p) => p.id === 'anthropic')!;
    const sonnet = anthropic.models.find((m) => m.id === 'claude-sonnet-4-0')!;
    // The newer catalog has the long-context tier itself (undated), and a made-up price for
    // DeepSeek so that the file is visibly the one in use.
    sonnet.prices = {
      input_mtok: { base: 3, tiers: [{ start: 200_000, price: 6 }] },
      cache_write_mtok: { base: 3.75, tiers: [{ start: 200_000, price: 7.5 }] },
      cache_read_mtok: { base: 0.3, tiers: [{ start: 200_000, price: 0.6 }] },
      output_mtok: { base: 15, tiers: [{ start: 200_000, price: 22.5 }] },
    };
    newer.find((p) => p.id === 'deepseek')!.models.find((m) => m.id === 'deepseek-chat')!.prices = { input_mtok: 0.2, cache_read_mtok: 0.02, output_mtok: 0.4 };
    const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-catalog-'));
    const file = join(dir, 'data.json');
    writeFileSync(file, JSON.stringify(newer));

    const fromFile = new PriceBook({ catalogFile: file });
    const fromFileNoLayer = new PriceBook({ catalogFile: file, corrections: false });
    // Same price with and without the layer: the catalog's fix, once.
    expect(fromFile.price(sonnet4).costUsd).toBeCloseTo((300_000 * 6 + 2_000 * 22.5) / M, 12);
    expect(fromFileNoLayer.price(sonnet4).costUsd).toBe(fromFile.price(sonnet4).costUsd);
    expect(fromFile.price(deepseekChat).costUsd).toBeCloseTo((60_000 * 0.2 + 40_000 * 0.02 + 10_000 * 0.4) / M, 12);
    expect(fromFileNoLayer.price(deepseekChat).costUsd).toBe(fromFile.price(deepseekChat).costUsd);
    const status = Object.fromEntries(correctionStatuses().map((s) => [`${s.correction.provider}/${s.correction.model}`, s.status]));
    expect(status['anthropic/claude-sonnet-4-0']).toBe('superseded');
    expect(status['deepseek/deepseek-chat']).toBe('superseded');
    expect(status['deepseek/deepseek-reasoner']).toBe('applies');
  });

  it('fails at start naming the field for a missing or malformed file', () => {
    expect(() => new PriceBook({ catalogFile: '/no/such/data.json' })).toThrow(/prices\.catalogFile.*cannot read/);
    const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-catalog-'));
    writeFileSync(join(dir, 'bad.json'), '{"providers": 1}');
    expect(() => new PriceBook({ catalogFile: join(dir, 'bad.json') })).toThrow(/prices\.catalogFile.*not a list of genai-prices providers/);
    expect(() => new PriceBook({ corrections: 'no' as never })).toThrow(/prices\.corrections.*true or false/);
  });
});
