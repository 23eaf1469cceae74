import { describe, expect, it } from 'vitest';
import { validatePrices } from '../../src/pricing/index.js';
import { configError } from '../helpers/config-error.js';


describe('validatePrices', () => {
  it('accepts camelCase and snake_case and normalizes to camelCase', () => {
    const prices = validatePrices({
      models: [
        { model: 'a', inputPerMTok: 1, outputPerMTok: 2 },
        { model: 'b', provider: 'openai', input_per_mtok: 0.5, output_per_mtok: 1.5, cache_read_per_mtok: 0.05, cache_write_per_mtok: 0.6, reasoning_per_mtok: 3 },
      ],
      multipliers: { openai: 0.8, 'anthropic/claude-sonnet-4': 0.9 },
      aliases: { 'my-gpt4o-prod': 'gpt-4o' },
    });
    expect(prices).toEqual({
      models: [
        { model: 'a', inputPerMTok: 1, outputPerMTok: 2 },
        { model: 'b', provider: 'openai', inputPerMTok: 0.5, outputPerMTok: 1.5, cacheReadPerMTok: 0.05, cacheWritePerMTok: 0.6, reasoningPerMTok: 3 },
      ],
      multipliers: { openai: 0.8, 'anthropic/claude-sonnet-4': 0.9 },
      aliases: { 'my-gpt4o-prod': 'gpt-4o' },
    });
  });

  it('treats an absent section as no overrides', () => {
    expect(validatePrices(undefined)).toEqual({});
    expect(validatePrices({})).toEqual({});
  });

  it.each([
    [{ models: [{ model: 'a', inputPerMTok: 1, outputPerMTok: 2 }, { model: 'b', inputPerMTok: -1, outputPerMTok: 2 }] }, 'prices.models[1].inputPerMTok', /per million tokens/],
    [{ models: [{ model: 'a', input_per_mtok: '3', outputPerMTok: 2 }] }, 'prices.models[0].inputPerMTok', /as a number/],
    [{ models: [{ model: 'a', inputPerMTok: 1 }] }, 'prices.models[0].outputPerMTok', /add outputPerMTok/],
    [{ models: [{ inputPerMTok: 1, outputPerMTok: 1 }] }, 'prices.models[0].model', /set it to a name/],
    [{ models: [{ model: 'a', inputPerMTok: 1, outputPerMTok: 1, inputPerMtok: 2 }] }, 'prices.models[0].inputPerMtok', /allowed fields are/],
    [{ models: [{ model: 'a', inputPerMTok: 1, input_per_mtok: 1, outputPerMTok: 1 }] }, 'prices.models[0].inputPerMTok', /keep only one/],
    [{ models: [{ model: 'a', inputPerMTok: 1, outputPerMTok: 1 }, { model: 'A', inputPerMTok: 1, outputPerMTok: 1 }] }, 'prices.models[1].model', /remove one/],
    [{ models: { model: 'a' } }, 'prices.models', /models: \[/],
    [{ multipliers: { openai: Number.NaN } }, 'prices.multipliers.openai', /0\.8 for a 20% discount/],
    [{ multipliers: { openai: '0.8' } }, 'prices.multipliers.openai', /0\.8 for a 20% discount/],
    [{ aliases: { deployment: 42 } }, 'prices.aliases.deployment', /gpt-4o/],
    [{ alias: {} }, 'prices.alias', /allowed fields are models, multipliers, aliases/],
    ['gpt-4o', 'prices', /models: \[\.\.\.\]/],
  ])('%j -> error at %s', (raw, field, fix) => {
    const error = configError(() => validatePrices(raw));
    expect(error.field).toBe(field);
    expect(error.message).toContain(`\`${field}\``);
    expect(error.fix).toMatch(fix);
  });

  it('names the field under a custom prefix', () => {
    expect(configError(() => validatePrices({ multipliers: { x: -2 } }, 'pipeline.prices')).field).toBe('pipeline.prices.multipliers.x');
  });
});
