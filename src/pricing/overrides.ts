import type { Bracket } from './coefficients.js';
import type { CustomModelPrice, PricesOptions } from './options.js';
import { providerToCatalogId } from './provider-map.js';

const PER_MTOK = 1_000_000;

/** A custom model ready to price: per-token USD coefficients. */
export interface CustomPrice {
  model: string;
  provider: string | undefined;
  bracket: Bracket;
}

/** Where an alias points: a model, and the provider when the target was 'provider/model'. */
export interface AliasTarget {
  model: string;
  /** An OpenTelemetry or catalog provider name, when the alias sets one. */
  provider: string | undefined;
}

function norm(text: string): string {
  return text.trim().toLowerCase();
}

function toCustomPrice(m: CustomModelPrice): CustomPrice {
  const cacheRead = m.cacheReadPerMTok ?? m.inputPerMTok;
  const cacheWrite = m.cacheWritePerMTok ?? m.inputPerMTok;
  const reasoning = m.reasoningPerMTok ?? m.outputPerMTok;
  return {
    model: m.model,
    provider: m.provider === undefined ? undefined : norm(m.provider),
    bracket: {
      input: m.inputPerMTok / PER_MTOK,
      cacheRead: cacheRead / PER_MTOK,
      cacheWrite: cacheWrite / PER_MTOK,
      output: m.outputPerMTok / PER_MTOK,
      reasoning: reasoning / PER_MTOK,
      perRequest: 0,
    },
  };
}

function splitAlias(target: string): AliasTarget {
  const slash = target.indexOf('/');
  if (slash > 0) {
    const head = target.slice(0, slash);
    // Only a known provider prefix sets the provider: 'meta-llama/llama-3' stays a model id.
    if (providerToCatalogId(head) !== undefined) return { provider: head, model: target.slice(slash + 1) };
  }
  return { provider: undefined, model: target };
}

/** The configured overrides, indexed once for lookups on the (memoized) resolution path. */
export class Overrides {
  readonly #custom = new Map<string, CustomPrice[]>();
  readonly #aliases = new Map<string, AliasTarget>();
  readonly #multipliers = new Map<string, number>();

  constructor(options: PricesOptions = {}) {
    for (const m of options.models ?? []) {
      const key = norm(m.model);
      const list = this.#custom.get(key) ?? [];
      // Provider-specific entries are tried before provider-agnostic ones.
      if (m.provider === undefined) list.push(toCustomPrice(m));
      else list.unshift(toCustomPrice(m));
      this.#custom.set(key, list);
    }
    for (const [from, to] of Object.entries(options.aliases ?? {})) this.#aliases.set(norm(from), splitAlias(to.trim()));
    for (const [key, factor] of Object.entries(options.multipliers ?? {})) this.#multipliers.set(norm(key), factor);
  }

  alias(model: string): AliasTarget | undefined {
    return this.#aliases.get(norm(model));
  }

  /** A custom model for `model`; `providers` are the call's provider names (OTel and catalog). */
  custom(model: string, providers: readonly string[]): CustomPrice | undefined {
    const list = this.#custom.get(norm(model));
    if (list === undefined) return undefined;
    return list.find((c) => c.provider === undefined || providers.includes(c.provider));
  }

  /**
   * The multiplier for a call: 'provider/model' keys beat model keys, which beat provider
   * keys. Candidate names are tried in the order given. Default 1.
   */
  multiplier(providers: readonly string[], models: readonly string[]): number {
    if (this.#multipliers.size === 0) return 1;
    for (const p of providers) {
      for (const m of models) {
        const hit = this.#multipliers.get(`${p}/${m}`);
        if (hit !== undefined) return hit;
      }
    }
    for (const m of models) {
      const hit = this.#multipliers.get(m);
      if (hit !== undefined) return hit;
    }
    for (const p of providers) {
      const hit = this.#multipliers.get(p);
      if (hit !== undefined) return hit;
    }
    return 1;
  }
}

/** Lower-cased, de-duplicated, non-empty names. */
export function names(...values: (string | undefined)[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (v === undefined) continue;
    const n = norm(v);
    if (n !== '' && !out.includes(n)) out.push(n);
  }
  return out;
}
