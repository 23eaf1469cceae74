import type { ServiceTier } from '../types.js';
import type { Bracket, CompiledPrice } from './coefficients.js';
import { names } from './overrides.js';
import { TIER_TABLE } from './tier-table.js';
import type { TierEntry, TierListPrice } from './tier-table.js';
import type { TierOverride } from './tier-options.js';

const PER_MTOK = 1_000_000;

/** How a tier changes a call's standard price. */
export type TierRule =
  | { kind: 'factor'; factor: number; sinceMs: number; source: string }
  | { kind: 'list'; compiled: CompiledPrice; sinceMs: number; source: string };

function listPrice(p: TierListPrice): CompiledPrice {
  return { starts: [], brackets: [bracketOf(p)] };
}

function bracketOf(p: TierListPrice): Bracket {
  return {
    input: p.inputPerMTok / PER_MTOK,
    cacheRead: (p.cacheReadPerMTok ?? p.inputPerMTok) / PER_MTOK,
    cacheWrite: (p.cacheWritePerMTok ?? p.inputPerMTok) / PER_MTOK,
    output: p.outputPerMTok / PER_MTOK,
    reasoning: (p.reasoningPerMTok ?? p.outputPerMTok) / PER_MTOK,
    perRequest: 0,
  };
}

interface Candidate {
  tier: ServiceTier;
  /** Lower-cased; undefined = any. */
  provider: string | undefined;
  models: readonly string[] | undefined;
  rule: TierRule;
}

function fromTable(e: TierEntry): Candidate {
  const sinceMs = Date.parse(`${e.since}T00:00:00Z`);
  const rule: TierRule =
    e.price !== undefined
      ? { kind: 'list', compiled: listPrice(e.price), sinceMs, source: e.source }
      : { kind: 'factor', factor: e.factor ?? 1, sinceMs, source: e.source };
  return { tier: e.tier, provider: e.provider, models: e.models?.map((m) => m.toLowerCase()), rule };
}

function fromConfig(o: TierOverride, i: number): Candidate {
  const source = `prices.tiers[${i}]`;
  const rule: TierRule =
    o.multiplier !== undefined
      ? { kind: 'factor', factor: o.multiplier, sinceMs: -Infinity, source }
      : { kind: 'list', compiled: listPrice(o as TierListPrice), sinceMs: -Infinity, source };
  return { tier: o.tier, provider: o.provider?.trim().toLowerCase(), models: o.model === undefined ? undefined : [o.model.trim().toLowerCase()], rule };
}

/** Specificity: model and provider (3) > model (2) > provider (1) > neither (0). */
function rank(c: Candidate): number {
  return (c.models !== undefined ? 2 : 0) + (c.provider !== undefined ? 1 : 0);
}

/**
 * Tier prices: configured ones (prices.tiers) before the built-in table, the most specific
 * match first. Looked up once per (catalog entry, tier) by the PriceBook.
 */
export class TierPrices {
  readonly #candidates: Candidate[];

  constructor(overrides: readonly TierOverride[] = []) {
    const configured = overrides.map(fromConfig).sort((a, b) => rank(b) - rank(a));
    const table = TIER_TABLE.map(fromTable).sort((a, b) => rank(b) - rank(a));
    this.#candidates = [...configured, ...table];
  }

  /** The rule for a tier; `providers` and `models` are the call's candidate names (any case). */
  find(tier: ServiceTier, providers: readonly string[], models: readonly string[]): TierRule | undefined {
    const p = names(...providers);
    const m = names(...models);
    for (const c of this.#candidates) {
      if (c.tier !== tier) continue;
      if (c.provider !== undefined && !p.includes(c.provider)) continue;
      if (c.models !== undefined && !c.models.some((model) => m.includes(model))) continue;
      return c.rule;
    }
    return undefined;
  }
}
