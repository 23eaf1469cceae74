import { calcPrice } from '@pydantic/genai-prices';
import { ConfigError } from '../config-error.js';
import type { ModelPrice, Provider } from '@pydantic/genai-prices';
import type { LlmCall, PricedCall, ServiceTier, TokenCosts, TokenPartition, UnpricedReason } from '../types.js';
import { findCatalogModel } from './catalog.js';
import { loadCatalogFile } from './catalog-file.js';
import { correctedModel, correctionFor } from './corrected-catalog.js';
import type { Correction } from './corrections.js';
import type { CatalogMatch } from './catalog.js';
import { bracketFor, compilePrice } from './coefficients.js';
import type { Bracket, CompiledPrice } from './coefficients.js';
import { BoundedLru } from './lru.js';
import { validatePrices } from './options.js';
import type { PricesOptions } from './options.js';
import { Overrides, names } from './overrides.js';
import { pricedCall } from './priced-call.js';
import { variantSelector } from './price-variant.js';
import type { VariantSelector } from './price-variant.js';
import { providerToCatalogId } from './provider-map.js';
import { TierPrices } from './tier-prices.js';
import type { TierRule } from './tier-prices.js';

export { providerToCatalogId };

/** What PriceBook.explain() reports. */
export interface PriceExplanation {
  priced: PricedCall;
  /** USD per token of each type (tier list price or catalog/custom price), before `multiplier`; null when unpriced. */
  perToken: Bracket | null;
  /** Configured multiplier times the tier's factor. */
  multiplier: number;
  custom: boolean;
  correction: Correction | undefined;
  /** The call's tier, the rule found for it, and whether that rule was in force at the call time. */
  tier: { tier: ServiceTier; rule: TierRule | undefined; inForce: boolean } | undefined;
}

/** Default number of (provider, model) resolutions kept. */
export const DEFAULT_RESOLUTION_CACHE_SIZE = 10_000;

/** A priced resolution's names for tier look-ups, and its tier rules once looked up. */
interface TierLookup {
  providers: string[];
  models: string[];
  /** null: no rule for that tier (standard prices). */
  rules: Map<ServiceTier, TierRule | null>;
}

type Resolution =
  | { kind: 'unpriced'; reason: UnpricedReason }
  | ({ kind: 'custom'; pricedAs: string; multiplier: number; compiled: CompiledPrice } & TierLookup)
  | ({
      kind: 'catalog';
      pricedAs: string;
      multiplier: number;
      select: VariantSelector;
      match: CatalogMatch;
      /** The correction in force for this entry, if any. */
      correction: Correction | undefined;
      /** A one-model provider holding the corrected entry, for calcPrice on rare inputs. */
      correctedProvider: Provider | undefined;
    } & TierLookup);

const NO_MODEL: Resolution = { kind: 'unpriced', reason: 'no_model' };
const UNKNOWN_MODEL: Resolution = { kind: 'unpriced', reason: 'unknown_model' };
const CATALOG_ERROR: Resolution = { kind: 'unpriced', reason: 'pricing_error' };

/** Catalog price objects are shared by every PriceBook, so their compiled form is too. */
const compiledByPrice = new WeakMap<ModelPrice, CompiledPrice | null>();

function compiled(prices: ModelPrice): CompiledPrice | null {
  let hit = compiledByPrice.get(prices);
  if (hit === undefined) {
    try {
      hit = compilePrice(prices);
    } catch {
      hit = null;
    }
    compiledByPrice.set(prices, hit);
  }
  return hit;
}

/** A token count, or undefined when absent or not a finite non-negative number. */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && value >= 0 && value < Infinity ? value : undefined;
}

function modelName(value: string | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** pricedAs of a call priced from the cost already on its span. */
export const PRICED_FROM_SPAN = 'span/gen_ai.usage.cost';

/**
 * A call we cannot price: unpriced, unless its span already carries a cost (a gateway such as
 * LiteLLM wrote gen_ai.usage.cost): then that cost is used, whole under `input` (the span does
 * not split it by token type).
 */
function unpriced(call: LlmCall, tokens: TokenPartition, reason: UnpricedReason, pricedAs?: string): PricedCall {
  const spanCost = call.spanCostUsd;
  if (spanCost !== undefined) {
    return pricedCall(call, spanCost, { input: spanCost, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 }, tokens, undefined, PRICED_FROM_SPAN);
  }
  return pricedCall(call, undefined, undefined, tokens, reason, pricedAs);
}

/** A call's cost by token type, its total and its cache savings (undefined when unknown). */
interface Costs {
  costs: TokenCosts;
  total: number;
  cacheSavings: number | undefined;
}

/**
 * Prices LlmCalls from the @pydantic/genai-prices catalog plus configured overrides.
 * Resolution of (provider, model) is memoized in a bounded LRU, and each catalog price
 * variant is reduced once to per-token coefficients, so a call costs about a microsecond
 * while matching `calcPrice(...).total_price`. Never throws: bad data gives an unpriced call.
 *
 * `costs` splits the cost by token type; a flat per-request fee (a few catalog models) is
 * counted in `costs.input`.
 */
export class PriceBook {
  readonly #overrides: Overrides;
  readonly #cache: BoundedLru<string, Resolution>;
  readonly #tiers: TierPrices;
  readonly #corrections: boolean;

  /** Throws ConfigError for invalid overrides (see validatePrices) or an unreadable catalog file. */
  constructor(options: PricesOptions = {}, resolutionCacheSize = DEFAULT_RESOLUTION_CACHE_SIZE) {
    const valid = validatePrices(options);
    if (valid.catalogFile !== undefined) loadCatalogFile(valid.catalogFile);
    this.#overrides = new Overrides(valid);
    this.#tiers = new TierPrices(valid.tiers);
    this.#corrections = valid.corrections ?? true;
    if (!Number.isInteger(resolutionCacheSize) || resolutionCacheSize < 2) {
      throw new ConfigError('resolutionCacheSize', `expected an integer >= 2, got ${String(resolutionCacheSize)}`, `use the default (${DEFAULT_RESOLUTION_CACHE_SIZE}) or a larger bound`);
    }
    this.#cache = new BoundedLru(resolutionCacheSize);
  }

  /** How many (provider, model) resolutions are memoized; never above the configured size. */
  get cachedResolutions(): number {
    return this.#cache.size;
  }

  /** The call with its price (a new object). Never throws. */
  price(call: LlmCall): PricedCall {
    const input = count(call.inputTokens);
    const cacheRead = count(call.cacheReadTokens) ?? 0;
    const cacheWrite = count(call.cacheWriteTokens) ?? 0;
    const reasoning = count(call.reasoningTokens) ?? 0;
    let output = count(call.outputTokens);
    const tokens: TokenPartition = {
      input: input === undefined ? 0 : Math.max(0, input - cacheRead - cacheWrite),
      cacheRead,
      cacheWrite,
      output: output === undefined ? 0 : Math.max(0, output - reasoning),
      reasoning,
    };
    try {
      const resolution = this.#resolve(call);
      if (resolution.kind === 'unpriced') return unpriced(call, tokens, resolution.reason);
      if (output === undefined && call.operation === 'embeddings') output = 0;
      if (input === undefined || output === undefined) return unpriced(call, tokens, 'missing_usage', resolution.pricedAs);

      let prices: CompiledPrice | null;
      if (resolution.kind === 'custom') {
        prices = resolution.compiled;
      } else {
        const variant = resolution.select(call.startTimeMs);
        prices = variant === undefined ? null : compiled(variant);
      }
      if (prices === null) return unpriced(call, tokens, 'pricing_error', resolution.pricedAs);

      let multiplier = resolution.multiplier;
      let linear = false;
      const tier = call.serviceTier === undefined ? undefined : this.#tierRule(resolution, call.serviceTier);
      if (tier !== undefined && call.startTimeMs >= tier.sinceMs) {
        if (tier.kind === 'factor') multiplier *= tier.factor;
        else {
          prices = tier.compiled;
          linear = true;
        }
      }

      const consistent = input >= cacheRead + cacheWrite && output >= reasoning;
      const result =
        consistent || linear || resolution.kind === 'custom'
          ? linearCosts(bracketFor(prices, input), tokens, multiplier)
          : directCosts(resolution.match, resolution.correctedProvider, call.startTimeMs, input, cacheRead, cacheWrite, output, reasoning, multiplier);
      if (result === undefined || !Number.isFinite(result.total)) return unpriced(call, tokens, 'pricing_error', resolution.pricedAs);
      const savings = result.cacheSavings;
      return pricedCall(call, result.total, result.costs, tokens, undefined, resolution.pricedAs, savings === undefined || Number.isNaN(savings) ? undefined : savings);
    } catch {
      return unpriced(call, tokens, 'pricing_error');
    }
  }

  /**
   * How `call` is priced, for the `price` command: the entry, correction, tier and multiplier
   * used and the USD per token of each type after them (null when unpriced). Not for the span path.
   */
  explain(call: LlmCall): PriceExplanation {
    const priced = this.price(call);
    const resolution = this.#resolve(call);
    if (resolution.kind === 'unpriced' || !priced.priced) return { priced, perToken: null, multiplier: 1, custom: false, correction: undefined, tier: undefined };
    let prices: CompiledPrice | null = resolution.kind === 'custom' ? resolution.compiled : null;
    if (resolution.kind === 'catalog') {
      const variant = resolution.select(call.startTimeMs);
      prices = variant === undefined ? null : compiled(variant);
    }
    let multiplier = resolution.multiplier;
    const rule = call.serviceTier === undefined ? undefined : this.#tierRule(resolution, call.serviceTier);
    const inForce = rule !== undefined && call.startTimeMs >= rule.sinceMs;
    if (inForce && rule.kind === 'factor') multiplier *= rule.factor;
    if (inForce && rule.kind === 'list') prices = rule.compiled;
    return {
      priced,
      perToken: prices === null ? null : bracketFor(prices, count(call.inputTokens) ?? 0),
      multiplier,
      custom: resolution.kind === 'custom',
      correction: resolution.kind === 'catalog' ? resolution.correction : undefined,
      tier: call.serviceTier === undefined ? undefined : { tier: call.serviceTier, rule, inForce },
    };
  }

  /** The tier rule of a priced resolution, looked up once per tier. */
  #tierRule(resolution: TierLookup, tier: ServiceTier): TierRule | undefined {
    let rule = resolution.rules.get(tier);
    if (rule === undefined) {
      rule = this.#tiers.find(tier, resolution.providers, resolution.models) ?? null;
      resolution.rules.set(tier, rule);
    }
    return rule ?? undefined;
  }

  #resolve(call: LlmCall): Resolution {
    const response = modelName(call.responseModel);
    const request = modelName(call.requestModel);
    if (response === undefined && request === undefined) return NO_MODEL;
    const provider = typeof call.provider === 'string' ? call.provider : undefined;
    const p = provider ?? '';
    const r = response ?? '';
    // Length-prefixed, so that no value (a NUL inside a model name) can make two keys equal.
    const key = `${p.length}:${p}${r.length}:${r}${request ?? ''}`;
    let hit = this.#cache.get(key);
    if (hit === undefined) {
      hit = this.#resolveUncached(provider, response, request);
      this.#cache.set(key, hit);
    }
    return hit;
  }

  #resolveUncached(provider: string | undefined, response: string | undefined, request: string | undefined): Resolution {
    let failed = false;
    for (const raw of response === request ? [response] : [response, request]) {
      if (raw === undefined) continue;
      const alias = this.#overrides.alias(raw);
      const model = alias?.model ?? raw;
      const otelProvider = alias?.provider ?? provider;
      const catalogId = providerToCatalogId(otelProvider);
      const custom = this.#overrides.custom(model, names(otelProvider, catalogId));
      if (custom !== undefined) {
        return {
          kind: 'custom',
          pricedAs: `custom/${custom.model}`,
          multiplier: this.#overrides.multiplier(names(otelProvider, catalogId, 'custom'), names(custom.model, model, raw)),
          compiled: { starts: [], brackets: [custom.bracket] },
          providers: names(otelProvider, catalogId),
          models: names(custom.model, model, raw),
          rules: new Map(),
        };
      }
      const found = findCatalogModel(model, catalogId);
      if (found === undefined) continue;
      const correction = found === 'error' || !this.#corrections ? undefined : correctionFor(found.providerId, found.model);
      const match = found === 'error' || correction === undefined ? found : { ...found, model: correctedModel(found.model, correction) };
      const select = match === 'error' ? undefined : variantSelector(match.model);
      if (match === 'error' || select === undefined) {
        failed = true;
        continue;
      }
      return {
        kind: 'catalog',
        pricedAs: `${match.providerId}/${match.model.id}`,
        multiplier: this.#overrides.multiplier(names(otelProvider, catalogId, match.providerId), names(match.model.id, model, raw)),
        select,
        match,
        correction,
        correctedProvider:
          correction === undefined ? undefined : { id: match.providerId, name: match.providerId, api_pattern: '(?!)', models: [match.model] },
        providers: names(otelProvider, catalogId, match.providerId),
        models: names(match.model.id, model, raw),
        rules: new Map(),
      };
    }
    return failed ? CATALOG_ERROR : UNKNOWN_MODEL;
  }
}

function linearCosts(b: Bracket, t: TokenPartition, multiplier: number): Costs {
  const m = multiplier;
  const costs: TokenCosts = {
    input: (b.input * t.input + b.perRequest) * m,
    cacheRead: b.cacheRead * t.cacheRead * m,
    cacheWrite: b.cacheWrite * t.cacheWrite * m,
    output: b.output * t.output * m,
    reasoning: b.reasoning * t.reasoning * m,
  };
  const total = costs.input + costs.cacheRead + costs.cacheWrite + costs.output + costs.reasoning;
  return { costs, total, cacheSavings: (b.input - b.cacheRead) * t.cacheRead * m };
}

/**
 * Usage that breaks the inclusive-totals rule (cache above input, reasoning above output)
 * has no linear split: ask calcPrice itself, which may reject it (then the call is unpriced).
 * Input-side and output-side costs are reported whole under `input` and `output`.
 */
function directCosts(
  match: CatalogMatch,
  correctedProvider: Provider | undefined,
  timeMs: number,
  input: number,
  cacheRead: number,
  cacheWrite: number,
  output: number,
  reasoning: number,
  multiplier: number,
): Costs | undefined {
  try {
    const usage = { input_tokens: input, cache_read_tokens: cacheRead, cache_write_tokens: cacheWrite, output_tokens: output, output_reasoning_tokens: reasoning };
    const timestamp = new Date(timeMs);
    const options =
      correctedProvider !== undefined
        ? { timestamp, provider: correctedProvider }
        : { timestamp, ...(match.lookupProviderId === undefined ? {} : { providerId: match.lookupProviderId }) };
    const result = calcPrice(usage, match.lookupModel, options);
    if (result === null) return undefined;
    const other = result.total_price - result.input_price - result.output_price;
    const costs = { input: (result.input_price + other) * multiplier, cacheRead: 0, cacheWrite: 0, output: result.output_price * multiplier, reasoning: 0 };
    return { costs, total: result.total_price * multiplier, cacheSavings: undefined };
  } catch {
    return undefined;
  }
}
