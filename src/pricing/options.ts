import { ConfigError } from '../config-error.js';
import { validateTiers } from './tier-options.js';
import type { TierOverride } from './tier-options.js';

/** A model priced from configuration instead of the catalog. Prices are USD per million tokens. */
export interface CustomModelPrice {
  /** Model name as it appears in spans (matched case-insensitively). */
  model: string;
  /** Only match calls from this provider (OpenTelemetry name or catalog id). Default: any provider. */
  provider?: string;
  inputPerMTok: number;
  outputPerMTok: number;
  /** Default: inputPerMTok. */
  cacheReadPerMTok?: number;
  /** Default: inputPerMTok. */
  cacheWritePerMTok?: number;
  /** Default: outputPerMTok. */
  reasoningPerMTok?: number;
}

/** Price overrides on top of the @pydantic/genai-prices catalog. Every field is optional. */
export interface PricesOptions {
  /** Custom models, checked before the catalog. Default: []. */
  models?: CustomModelPrice[];
  /**
   * Cost multipliers keyed by provider ('openai'), model ('gpt-4o') or 'provider/model'
   * ('openai/gpt-4o'); the most specific key wins. 0.8 = a 20% discount. Default: {}.
   */
  multipliers?: Record<string, number>;
  /**
   * Model aliases applied before lookup, e.g. an Azure deployment name to its model:
   * `{ 'my-gpt4o-prod': 'gpt-4o' }`, or `'openai/gpt-4o'` to set the provider too. Default: {}.
   */
  aliases?: Record<string, string>;
  /**
   * Service-tier prices (flex, priority, scale, batch) that add to or replace the built-in
   * tier table: `{ tier: 'priority', provider: 'anthropic', multiplier: 1.25 }` or a list price
   * `{ tier: 'priority', provider: 'openai', model: 'gpt-5', inputPerMTok: 2.5, outputPerMTok: 20 }`.
   * Default: [].
   */
  tiers?: TierOverride[];
  /**
   * Apply the dated corrections over the catalog (prices it lacks or has stale; list them with
   * `otel-llm-cost price --corrections`). Default: true.
   */
  corrections?: boolean;
  /**
   * A newer @pydantic/genai-prices data file (a list of providers: the file the library itself
   * fetches, REMOTE_DATA_JSON_URL, `prices/new_data/v2/data.json` for 0.1.8) to price from
   * instead of the bundled one, read once at start. Process-wide: the catalog is the
   * library's. Default: the data bundled with the installed @pydantic/genai-prices.
   */
  catalogFile?: string;
}

export const PRICE_FIELDS = [
  ['inputPerMTok', 'input_per_mtok', true],
  ['outputPerMTok', 'output_per_mtok', true],
  ['cacheReadPerMTok', 'cache_read_per_mtok', false],
  ['cacheWritePerMTok', 'cache_write_per_mtok', false],
  ['reasoningPerMTok', 'reasoning_per_mtok', false],
] as const;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** Reads `camel` or its snake_case spelling; naming both is an error. */
export function pick(obj: Record<string, unknown>, camel: string, snake: string, field: string): unknown {
  const hasCamel = obj[camel] !== undefined;
  const hasSnake = snake !== camel && obj[snake] !== undefined;
  if (hasCamel && hasSnake) {
    throw new ConfigError(`${field}.${camel}`, `both \`${camel}\` and \`${snake}\` are set`, `keep only one of them`);
  }
  return hasCamel ? obj[camel] : obj[snake];
}

export function nonEmptyString(value: unknown, field: string, example: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(field, `expected a non-empty string, got ${describe(value)}`, `set it to a name such as ${example}`);
  }
  return value.trim();
}

export function price(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(
      field,
      `expected a finite number >= 0 (USD per million tokens), got ${describe(value)}`,
      `write the price per million tokens as a number, e.g. 2.5 for $2.50 / 1M tokens`,
    );
  }
  return value;
}

export function rejectUnknownKeys(obj: Record<string, unknown>, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(`${field}.${key}`, 'unknown field', `remove it; allowed fields are ${allowed.join(', ')}`);
    }
  }
}

function validateModel(raw: unknown, field: string): CustomModelPrice {
  if (!isRecord(raw)) {
    throw new ConfigError(field, `expected an object, got ${describe(raw)}`, 'write { model: "name", inputPerMTok: 1, outputPerMTok: 2 }');
  }
  const allowed = ['model', 'provider', ...PRICE_FIELDS.flatMap(([camel, snake]) => [camel, snake])];
  rejectUnknownKeys(raw, allowed, field);
  const out: CustomModelPrice = {
    model: nonEmptyString(raw.model, `${field}.model`, '"my-finetune-v1"'),
    inputPerMTok: 0,
    outputPerMTok: 0,
  };
  if (raw.provider !== undefined) out.provider = nonEmptyString(raw.provider, `${field}.provider`, '"openai"');
  for (const [camel, snake, required] of PRICE_FIELDS) {
    const value = pick(raw, camel, snake, field);
    if (value === undefined) {
      if (required) {
        throw new ConfigError(`${field}.${camel}`, 'missing', `add ${camel} (USD per million tokens), e.g. ${camel}: 1.5`);
      }
      continue;
    }
    out[camel] = price(value, `${field}.${camel}`);
  }
  return out;
}

function validateMultipliers(raw: unknown, field: string): Record<string, number> {
  if (!isRecord(raw)) {
    throw new ConfigError(field, `expected an object, got ${describe(raw)}`, 'write { openai: 0.8, "anthropic/claude-sonnet-4": 0.9 }');
  }
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(raw)) {
    const keyField = `${field}.${key}`;
    if (key.trim() === '') throw new ConfigError(keyField, 'empty key', 'use a provider, model or provider/model as the key');
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ConfigError(keyField, `expected a finite number >= 0, got ${describe(value)}`, 'use a factor such as 0.8 for a 20% discount');
    }
    out[key.trim()] = value;
  }
  return out;
}

function validateAliases(raw: unknown, field: string): Record<string, string> {
  if (!isRecord(raw)) {
    throw new ConfigError(field, `expected an object, got ${describe(raw)}`, 'write { "my-gpt4o-prod": "gpt-4o" }');
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const keyField = `${field}.${key}`;
    if (key.trim() === '') throw new ConfigError(keyField, 'empty key', 'use the model or deployment name seen in spans as the key');
    out[key.trim()] = nonEmptyString(value, keyField, '"gpt-4o" or "openai/gpt-4o"');
  }
  return out;
}

/**
 * Checks price overrides from code or a config file (camelCase or snake_case keys) and
 * returns them normalized to camelCase. Throws ConfigError naming the field and the fix.
 */
export function validatePrices(raw: unknown, field = 'prices'): PricesOptions {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) {
    throw new ConfigError(field, `expected an object, got ${describe(raw)}`, 'write { models: [...], multipliers: {...}, aliases: {...} }');
  }
  rejectUnknownKeys(raw, ['models', 'multipliers', 'aliases', 'tiers', 'corrections', 'catalogFile', 'catalog_file'], field);
  const out: PricesOptions = {};
  if (raw.models !== undefined) {
    if (!Array.isArray(raw.models)) {
      throw new ConfigError(`${field}.models`, `expected a list, got ${describe(raw.models)}`, 'write models: [{ model: "name", inputPerMTok: 1, outputPerMTok: 2 }]');
    }
    const seen = new Map<string, number>();
    out.models = raw.models.map((m: unknown, i: number) => {
      const model = validateModel(m, `${field}.models[${i}]`);
      const key = `${(model.provider ?? '').toLowerCase()}\0${model.model.toLowerCase()}`;
      const previous = seen.get(key);
      if (previous !== undefined) {
        throw new ConfigError(`${field}.models[${i}].model`, `"${model.model}" is already defined at ${field}.models[${previous}]`, 'remove one of the two entries');
      }
      seen.set(key, i);
      return model;
    });
  }
  if (raw.multipliers !== undefined) out.multipliers = validateMultipliers(raw.multipliers, `${field}.multipliers`);
  if (raw.aliases !== undefined) out.aliases = validateAliases(raw.aliases, `${field}.aliases`);
  if (raw.tiers !== undefined) out.tiers = validateTiers(raw.tiers, `${field}.tiers`);
  if (raw.corrections !== undefined) {
    if (typeof raw.corrections !== 'boolean') {
      throw new ConfigError(`${field}.corrections`, `expected true or false, got ${describe(raw.corrections)}`, 'write corrections: false to price from the catalog alone');
    }
    out.corrections = raw.corrections;
  }
  const catalogFile = pick(raw, 'catalogFile', 'catalog_file', field);
  if (catalogFile !== undefined) out.catalogFile = nonEmptyString(catalogFile, `${field}.catalogFile`, '"./genai-prices-data.json"');
  return out;
}
