import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_OPERATION,
  ATTR_OVERFLOW,
  ATTR_PROVIDER,
  ATTR_REQUEST_MODEL,
  ATTR_RESPONSE_MODEL,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_TIER,
} from '../semconv.js';
import type { PricedCall } from '../types.js';
import type { GenAiSeries } from './genai-metrics.js';

/** Running totals of one request series (one priced/error.type combination). */
export interface RequestSeries {
  attrs: Attributes;
  count: number;
}

/** Running token totals by llm.token.type (TOKEN_TYPES order), for priced or unpriced calls. */
export interface TokenSeries {
  attrs: Attributes[];
  values: Float64Array;
}

/**
 * Running totals for one common label set. Attribute objects are built once; the hot
 * path only adds numbers, and the observable instruments read the totals at collection.
 */
export interface SeriesEntry {
  common: Attributes;
  costUsd: number;
  cacheSavingsUsd: number;
  /** Keyed by priced ('t'/'f') plus error.type. */
  requests: Map<string, RequestSeries>;
  /** [unpriced, priced]. */
  tokens: [TokenSeries | undefined, TokenSeries | undefined];
  /** gen_ai.client.* attribute objects, when those metrics are on. */
  genAi?: GenAiSeries;
}

const SEP = '\u0000';

/**
 * A bounded map from a call's common label set to its SeriesEntry. Past `limit` distinct
 * label sets every new one shares a single overflow entry (otel.metric.overflow=true) and
 * `overflowed` counts the calls that went there (a label set first seen past the limit
 * counts again each time it is seen: it is never stored).
 *
 * A label set is the NUL-joined key of service.name, provider, request model, response
 * model, operation, service tier and the configured dimension values, an absent label joined as ''
 * (so absent and '' are one series, labelled as its first call had it).
 */
export class SeriesCache {
  private readonly entries = new Map<string, SeriesEntry>();
  private readonly overflow: SeriesEntry = newEntry({ [ATTR_OVERFLOW]: true });
  overflowed = 0;

  constructor(
    private readonly limit: number,
    /** Extra label names, in the order their values appear in PricedCall.dimensions. */
    private readonly dimensions: readonly string[] = [],
  ) {}

  /** The entry of the call's label set: a stored one, a new one, or the overflow entry. */
  entryFor(call: PricedCall): SeriesEntry {
    const dims = this.dimensions;
    let key =
      call.serviceName + SEP + (call.provider ?? '') + SEP + (call.requestModel ?? '') + SEP +
      (call.responseModel ?? '') + SEP + (call.operation ?? '') + SEP + (call.serviceTier ?? '');
    for (let i = 0; i < dims.length; i++) key += SEP + (call.dimensions[dims[i]!] ?? '');
    const known = this.entries.get(key);
    if (known !== undefined) return known;
    if (this.entries.size >= this.limit) {
      this.overflowed++;
      return this.overflow;
    }
    const entry = newEntry(commonAttributes(call, dims));
    this.entries.set(key, entry);
    return entry;
  }

  /** Every entry, the overflow one last (only once something overflowed). */
  *all(): IterableIterator<SeriesEntry> {
    yield* this.entries.values();
    if (this.overflowed > 0) yield this.overflow;
  }

  get size(): number {
    return this.entries.size;
  }
}

function newEntry(common: Attributes): SeriesEntry {
  return { common, costUsd: 0, cacheSavingsUsd: 0, requests: new Map(), tokens: [undefined, undefined] };
}

/** The semconv labels of a call that every series carries (known ones only). */
export function callAttributes(call: PricedCall): Attributes {
  const attrs: Attributes = { [ATTR_SERVICE_NAME]: call.serviceName };
  if (call.provider !== undefined) attrs[ATTR_PROVIDER] = call.provider;
  if (call.requestModel !== undefined) attrs[ATTR_REQUEST_MODEL] = call.requestModel;
  if (call.responseModel !== undefined) attrs[ATTR_RESPONSE_MODEL] = call.responseModel;
  if (call.operation !== undefined) attrs[ATTR_OPERATION] = call.operation;
  return attrs;
}

/** callAttributes plus the service tier and the configured dimensions the call has. */
function commonAttributes(call: PricedCall, dimensions: readonly string[]): Attributes {
  const attrs = callAttributes(call);
  // Only a non-standard tier is labelled: standard calls keep the label sets they always had.
  if (call.serviceTier !== undefined) attrs[ATTR_SERVICE_TIER] = call.serviceTier;
  for (const name of dimensions) {
    const value = call.dimensions[name];
    if (value !== undefined) attrs[name] = value;
  }
  return attrs;
}
