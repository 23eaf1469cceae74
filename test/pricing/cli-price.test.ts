import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { runPrice } from '../../src/cli/price.js';
import { closeTo } from './calls.js';

async function run(argv: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const code = await runPrice(argv, out);
  return { code, text };
}

function usdOn(text: string, label: string): number {
  const line = text.split('\n').find((l) => l.trimStart().startsWith(`${label} `));
  if (line === undefined) throw new Error(`no ${label} line in:\n${text}`);
  return Number(line.trim().split(/\s+/).at(-1));
}

describe('otel-llm-cost price', () => {
  it('prints the catalog match, the cost of each token type and the total', async () => {
    const { code, text } = await run(['claude-3-5-sonnet-20241022', '--provider', 'anthropic', '--input', '120000', '--output', '3000', '--cache-read', '80000', '--cache-write', '10000', '--at', '2025-03-01T00:00:00Z']);
    const usage = { input_tokens: 120_000, cache_read_tokens: 80_000, cache_write_tokens: 10_000, output_tokens: 3_000 };
    const want = calcPrice(usage, 'claude-3-5-sonnet-20241022', { providerId: 'anthropic', timestamp: new Date('2025-03-01T00:00:00Z') });
    expect(code).toBe(0);
    expect(text).toContain(`Priced as:  anthropic/${want?.model.id} (prices in force at 2025-03-01T00:00:00.000Z)`);
    expect(closeTo(usdOn(text, 'total'), want!.total_price, 1e-10)).toBe(true);
    // Each type at its own catalog price: cache reads and writes alone.
    const readOnly = calcPrice({ input_tokens: 80_000, cache_read_tokens: 80_000 }, 'claude-3-5-sonnet-20241022', { providerId: 'anthropic', timestamp: new Date('2025-03-01T00:00:00Z') });
    expect(closeTo(usdOn(text, 'cache_read'), readOnly!.total_price, 1e-10)).toBe(true);
    expect(text).toMatch(/^ {2}input {7,}30000 {2}/m);
    const sum = ['input', 'cache_read', 'cache_write', 'output', 'reasoning'].reduce((s, l) => s + usdOn(text, l), 0);
    expect(closeTo(sum, want!.total_price, 1e-10)).toBe(true);
  });

  it('exits 1 with a clear message for an unknown model', async () => {
    const { code, text } = await run(['no-such-model-xyz', '--input', '10', '--output', '5']);
    expect(code).toBe(1);
    expect(text).toContain('Model "no-such-model-xyz" is not in the @pydantic/genai-prices catalog');
    expect(text).toContain('prices.models');
  });

  it.each([
    [['gpt-4o', '--input', '10']],
    [['gpt-4o', '--input', 'ten', '--output', '5']],
    [['gpt-4o', '--input', '10', '--output', '5', '--bogus']],
    [['--input', '10', '--output', '5']],
    [['gpt-4o', '--input', '10', '--output', '5', '--at', 'yesterday']],
    [['gpt-4o', '--input', '10', '--output', '5', '--cache-read', '11']],
  ])('%j is a usage error (exit 2)', async (argv) => {
    const { code, text } = await run(argv);
    expect(code).toBe(2);
    expect(text).toContain('Usage: otel-llm-cost price MODEL');
  });

  it('--help prints the usage and exits 0', async () => {
    const { code, text } = await run(['--help']);
    expect(code).toBe(0);
    expect(text).toContain('--cache-read N');
  });

  it('explains a tier: o3 on flex at half the standard price, the arithmetic per token type', async () => {
    // o3 Flex: $1.00 input, $0.25 cached, $4.00 output per 1M (https://platform.openai.com/docs/pricing, Flex table, public copy of 2025-11).
    const { code, text } = await run(['o3', '--provider', 'openai', '--input', '10000', '--cache-read', '2000', '--output', '5000', '--reasoning', '3000', '--tier', 'flex', '--at', '2025-10-01']);
    expect(code).toBe(0);
    expect(text).toMatch(/^Tier: +flex: x0\.5 of the standard price/m);
    expect(text).toMatch(/^ {2}input +8000 {2}8000 x \$2\/1M x 0\.5 +0\.008/m);
    expect(usdOn(text, 'total')).toBeCloseTo((8_000 * 1 + 2_000 * 0.25 + 5_000 * 4) / 1e6, 12);
  });

  it('explains a correction, and a multiplier from --config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-price-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'prices:\n  multipliers:\n    anthropic: 0.8\n');
    const { code, text } = await run(['claude-sonnet-4', '--input', '300000', '--output', '2000', '--at', '2025-10-01', '--config', config]);
    expect(code).toBe(0);
    expect(text).toMatch(/^Correction: above 200k input tokens: \$6 in \/ \$22\.50 out/m);
    expect(text).toMatch(/^Override: +multiplier 0\.8 from prices\.multipliers/m);
    // Anthropic long context: $6 / $22.50 per 1M (platform.claude.com pricing, public copy of 2026-03), times 0.8.
    expect(usdOn(text, 'total')).toBeCloseTo(((300_000 * 6 + 2_000 * 22.5) / 1e6) * 0.8, 12);
    writeFileSync(config, 'prices:\n  corrections: false\n');
    const off = await run(['claude-sonnet-4', '--input', '300000', '--output', '2000', '--at', '2025-10-01', '--config', config]);
    expect(off.text).toMatch(/^Correction: none/m);
    expect(usdOn(off.text, 'total')).toBeCloseTo((300_000 * 3 + 2_000 * 15) / 1e6, 12);
  });

  it('--corrections lists each correction with its source and status', async () => {
    const { code, text } = await run(['--corrections']);
    expect(code).toBe(0);
    expect(text).toContain('deepseek/deepseek-chat  [applies]');
    expect(text).toContain('source: https://api-docs.deepseek.com/quick_start/pricing');
    const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-price-'));
    writeFileSync(join(dir, 'c.yaml'), 'prices:\n  corrections: false\n');
    expect((await run(['--corrections', '--config', join(dir, 'c.yaml')])).text).toContain('deepseek/deepseek-chat  [off]');
  });

  it('a bad --tier is a usage error; a bad config names the field', async () => {
    expect((await run(['o3', '--input', '1', '--output', '1', '--tier', 'turbo'])).code).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-price-'));
    writeFileSync(join(dir, 'c.yaml'), 'prices:\n  corrections: maybe\n');
    const bad = await run(['o3', '--input', '1', '--output', '1', '--config', join(dir, 'c.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.text).toContain('prices.corrections');
  });
});
