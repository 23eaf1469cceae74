import { ConfigError } from '../config-error.js';
import type { ServiceTier } from '../types.js';
import { SERVICE_TIERS } from '../extract/service-tier.js';
import { PRICE_FIELDS, describe, isRecord, nonEmptyString, pick, price, rejectUnknownKeys } from './options.js';

/**
 * A service-tier price from configuration: a multiplier on the standard price, or the tier's
 * own list price (USD per million tokens, like prices.models). Without provider or model it
 * applies to every provider or model. The most specific entry wins; configured entries beat
 * the built-in table.
 */
export interface TierOverride {
  tier: ServiceTier;
  /** OpenTelemetry provider name or catalog id. Default: any provider. */
  provider?: string;
  /** Model (catalog id or the name in spans). Default: any model. */
  model?: string;
  multiplier?: number;
  inputPerMTok?: number;
  outputPerMTok?: number;
  cacheReadPerMTok?: number;
  cacheWritePerMTok?: number;
  reasoningPerMTok?: number;
}

const EXAMPLE = '{ tier: "priority", provider: "anthropic", multiplier: 1.25 }';

function validateTier(raw: unknown, field: string): TierOverride {
  if (!isRecord(raw)) throw new ConfigError(field, `expected an object, got ${describe(raw)}`, `write ${EXAMPLE}`);
  rejectUnknownKeys(raw, ['tier', 'provider', 'model', 'multiplier', ...PRICE_FIELDS.flatMap(([camel, snake]) => [camel, snake])], field);
  const tier = typeof raw.tier === 'string' ? raw.tier.trim().toLowerCase() : raw.tier;
  if (typeof tier !== 'string' || !(SERVICE_TIERS as readonly string[]).includes(tier)) {
    throw new ConfigError(`${field}.tier`, `expected one of ${SERVICE_TIERS.join(', ')}, got ${describe(raw.tier)}`, 'name the tier as the provider reports it');
  }
  const out: TierOverride = { tier: tier as ServiceTier };
  if (raw.provider !== undefined) out.provider = nonEmptyString(raw.provider, `${field}.provider`, '"openai"');
  if (raw.model !== undefined) out.model = nonEmptyString(raw.model, `${field}.model`, '"gpt-5"');
  for (const [camel, snake] of PRICE_FIELDS) {
    const value = pick(raw, camel, snake, field);
    if (value !== undefined) out[camel] = price(value, `${field}.${camel}`);
  }
  const hasList = out.inputPerMTok !== undefined || out.outputPerMTok !== undefined;
  if (raw.multiplier !== undefined) {
    if (typeof raw.multiplier !== 'number' || !Number.isFinite(raw.multiplier) || raw.multiplier < 0) {
      throw new ConfigError(`${field}.multiplier`, `expected a finite number >= 0, got ${describe(raw.multiplier)}`, 'use a factor such as 0.5 for half the standard price');
    }
    if (hasList) throw new ConfigError(field, 'both a multiplier and per-million-token prices are set', 'keep one of the two');
    out.multiplier = raw.multiplier;
  } else if (out.inputPerMTok === undefined || out.outputPerMTok === undefined) {
    throw new ConfigError(field, 'needs a multiplier, or inputPerMTok and outputPerMTok', `write ${EXAMPLE}`);
  }
  return out;
}

/** Checks prices.tiers; throws ConfigError naming the entry and the fix. */
export function validateTiers(raw: unknown, field: string): TierOverride[] {
  if (!Array.isArray(raw)) throw new ConfigError(field, `expected a list, got ${describe(raw)}`, `write tiers: [${EXAMPLE}]`);
  return raw.map((entry: unknown, i: number) => validateTier(entry, `${field}[${i}]`));
}
