// One pass over a span's attribute keys (DESIGN.md, "Extraction: attribute keys by dialect").
//
// Looking every field's precedence list up key by key costs ~60 property loads per span, most
// of them misses, on attribute objects whose hidden class differs per instrumentation (the
// load sites go megamorphic). Instead the span's own keys are enumerated once and looked up
// in ONE map built at module load: attribute key -> (field, precedence rank) and/or a marker
// slot. For each field the present key with the best rank is kept, which is exactly "the
// first present key in precedence order".

import {
  AGENT_KEYS,
  CACHE_READ_KEYS,
  CACHE_WRITE_KEYS,
  ERROR_TYPE_KEY,
  INPUT_KEYS,
  LANGFUSE_TYPE_KEY,
  LANGFUSE_USAGE_KEY,
  OPENINFERENCE_KIND_KEY,
  OPERATION_KEY,
  OUTPUT_KEYS,
  PROVIDER_KEYS,
  REASONING_KEYS,
  REQUEST_MODEL_KEYS,
  RESPONSE_MODEL_KEYS,
  SESSION_KEYS,
  TRACELOOP_KIND_KEY,
  TRACELOOP_REQUEST_TYPE_KEY,
  USER_KEYS,
  VERCEL_OPERATION_ID_KEY,
} from './keys.js';

/** Fields read from one key each, by precedence. */
export const Field = {
  provider: 0,
  requestModel: 1,
  responseModel: 2,
  operation: 3,
  requestType: 4,
  input: 5,
  output: 6,
  cacheRead: 7,
  cacheWrite: 8,
  reasoning: 9,
  session: 10,
  user: 11,
  agent: 12,
} as const;
export type Field = (typeof Field)[keyof typeof Field];
const FIELD_COUNT = 13;

/** Attributes read as-is (raw value, undefined when the key is not there). */
export const Marker = {
  operationId: 0,
  operation: 1,
  openInferenceKind: 2,
  traceloopKind: 3,
  langfuseType: 4,
  langfuseUsage: 5,
  errorType: 6,
  requestType: 7,
} as const;
export type Marker = (typeof Marker)[keyof typeof Marker];
const MARKER_COUNT = 8;

/** What one attribute key feeds: a field (with its rank), a marker slot, or both. */
interface KeyRole {
  /** -1: none. */
  readonly field: number;
  /** Position in the field's precedence list (0 = best). */
  readonly rank: number;
  /** The field is read with readLabel, for which '' is absent too (readLabel('') is undefined). */
  readonly label: boolean;
  /** -1: none. */
  readonly marker: number;
}

const LABEL_FIELDS: ReadonlySet<number> = new Set([
  Field.provider,
  Field.requestModel,
  Field.responseModel,
  Field.operation,
  Field.requestType,
  Field.session,
  Field.user,
  Field.agent,
]);

const PRECEDENCE: ReadonlyArray<readonly [Field, readonly string[]]> = [
  [Field.provider, PROVIDER_KEYS],
  [Field.requestModel, REQUEST_MODEL_KEYS],
  [Field.responseModel, RESPONSE_MODEL_KEYS],
  [Field.operation, [OPERATION_KEY]],
  [Field.requestType, [TRACELOOP_REQUEST_TYPE_KEY]],
  [Field.input, INPUT_KEYS],
  [Field.output, OUTPUT_KEYS],
  [Field.cacheRead, CACHE_READ_KEYS],
  [Field.cacheWrite, CACHE_WRITE_KEYS],
  [Field.reasoning, REASONING_KEYS],
  [Field.session, SESSION_KEYS],
  [Field.user, USER_KEYS],
  [Field.agent, AGENT_KEYS],
];

const MARKERS: ReadonlyArray<readonly [Marker, string]> = [
  [Marker.operationId, VERCEL_OPERATION_ID_KEY],
  [Marker.operation, OPERATION_KEY],
  [Marker.openInferenceKind, OPENINFERENCE_KIND_KEY],
  [Marker.traceloopKind, TRACELOOP_KIND_KEY],
  [Marker.langfuseType, LANGFUSE_TYPE_KEY],
  [Marker.langfuseUsage, LANGFUSE_USAGE_KEY],
  [Marker.errorType, ERROR_TYPE_KEY],
  [Marker.requestType, TRACELOOP_REQUEST_TYPE_KEY],
];

/** Attribute key -> its role, built once from the lists in keys.ts. */
export const KEY_ROLES: ReadonlyMap<string, KeyRole> = buildKeyRoles();

function buildKeyRoles(): Map<string, KeyRole> {
  const fields = new Map<string, { field: number; rank: number }>();
  for (const [field, keys] of PRECEDENCE) {
    keys.forEach((key, rank) => {
      // A key feeding two fields would need a list per key; keys.ts has none.
      if (fields.has(key)) throw new Error(`attribute key ${key} is in two precedence lists`);
      fields.set(key, { field, rank });
    });
  }
  const markers = new Map<string, number>(MARKERS.map(([marker, key]) => [key, marker]));
  const roles = new Map<string, KeyRole>();
  for (const key of new Set([...fields.keys(), ...markers.keys()])) {
    const f = fields.get(key);
    roles.set(key, {
      field: f?.field ?? -1,
      rank: f?.rank ?? 0,
      label: f !== undefined && LABEL_FIELDS.has(f.field),
      marker: markers.get(key) ?? -1,
    });
  }
  return roles;
}

const NO_RANK = 0x7fffffff;

/** Precedence lists by field, and marker keys by slot, for the key-by-key strategy. */
const FIELD_KEYS: ReadonlyArray<readonly string[]> = fieldKeys();
export const MARKER_KEYS: readonly string[] = markerKeys();
const LABEL: readonly boolean[] = Array.from({ length: FIELD_COUNT }, (_, f) => LABEL_FIELDS.has(f));

function fieldKeys(): string[][] {
  const out: string[][] = Array.from({ length: FIELD_COUNT }, () => []);
  for (const [field, keys] of PRECEDENCE) out[field] = [...keys];
  return out;
}

function markerKeys(): string[] {
  const out = new Array<string>(MARKER_COUNT).fill('');
  for (const [marker, key] of MARKERS) out[marker] = key;
  return out;
}

/**
 * Above this many attributes V8 keeps an object built by keyed stores (the SDK's setAttribute)
 * in dictionary mode (measured on Node 20: 19 fast, 20 dictionary). Enumerating a dictionary
 * costs ~16-24 ns per key (a sorted copy; for-in also re-checks each key and, once it has seen
 * one, stays on its slow generic path for every object), more than looking our keys up one by
 * one in its hash table (~35-45 look-ups, each stopping at the first present key). On fast
 * objects for-in reads the enum cache and beats ~60 megamorphic look-ups by far.
 *
 * So the strategy is picked per instrumentation scope from the key count of its spans, learnt
 * with Object.keys (which does not touch the for-in site): first span of a scope, and every
 * RELEARN_EVERY-th span of a scope read key by key. Both strategies give the same result.
 */
const KEY_BY_KEY_ABOVE = 19;
const RELEARN_EVERY = 64;
const MAX_SCOPES = 500;

interface ScopeStats {
  /** Attribute count of the last span of this scope whose keys were counted; -1: none yet. */
  keyCount: number;
  /** Spans read key by key since then. */
  keyByKey: number;
}
const scopeStats = new Map<string, ScopeStats>();

let lastScope: string | undefined;
let lastStats: ScopeStats | undefined;

function statsFor(scopeName: string | undefined): ScopeStats {
  if (lastStats !== undefined && scopeName === lastScope) return lastStats;
  const name = scopeName ?? '';
  let stats = scopeStats.get(name);
  if (stats === undefined) {
    if (scopeStats.size >= MAX_SCOPES) scopeStats.clear();
    stats = { keyCount: -1, keyByKey: 0 };
    scopeStats.set(name, stats);
  }
  lastScope = scopeName;
  lastStats = stats;
  return stats;
}

/** Where shape and dialect rules read marker attributes from. */
export interface MarkerSource {
  /** The raw value of a marker attribute (undefined when absent). */
  marker(marker: Marker): unknown;
}

/** A MarkerSource looking the markers up on the attributes themselves. */
export function markersOf(attributes: Readonly<Record<string, unknown>>): MarkerSource {
  return { marker: (marker) => attributes[MARKER_KEYS[marker]!] };
}

/**
 * The outcome of one pass over a span's attributes. Reused across spans (reset by scan());
 * valid until release() or the next scan() on the same instance.
 */
export class AttributeScan implements MarkerSource {
  /** Winning key per field (undefined: no present key). */
  readonly keys: Array<string | undefined> = new Array<string | undefined>(FIELD_COUNT).fill(undefined);
  /** Value of the winning key per field. */
  readonly values: unknown[] = new Array<unknown>(FIELD_COUNT).fill(undefined);
  private readonly ranks: number[] = new Array<number>(FIELD_COUNT).fill(NO_RANK);
  /** Raw marker values (undefined when absent), when filled by the one pass. */
  private readonly markers: unknown[] = new Array<unknown>(MARKER_COUNT).fill(undefined);
  /** Set when read key by key: markers are then looked up on demand, as most are never needed. */
  private lazy: Readonly<Record<string, unknown>> | undefined = undefined;

  /** Fills keys/values (and markers) from the attributes; scopeName picks the cheaper strategy. */
  scan(attributes: Readonly<Record<string, unknown>>, scopeName: string | undefined): void {
    const stats = statsFor(scopeName);
    if (stats.keyCount > KEY_BY_KEY_ABOVE) {
      if (++stats.keyByKey < RELEARN_EVERY) {
        this.scanKeyByKey(attributes);
        return;
      }
    } else if (stats.keyCount >= 0) {
      stats.keyCount = this.scanKeys(attributes);
      return;
    }
    stats.keyCount = Object.keys(attributes).length;
    stats.keyByKey = 0;
    this.scanKeyByKey(attributes);
  }

  /** The raw value of a marker attribute (undefined when absent). */
  marker(marker: Marker): unknown {
    const lazy = this.lazy;
    return lazy === undefined ? this.markers[marker] : lazy[MARKER_KEYS[marker]!];
  }

  /** Drops the reference to the last span's attributes. */
  release(): void {
    this.lazy = undefined;
  }

  /** One pass over the span's keys (for-in: inherited ones too, as look-ups see them). Returns the key count. */
  scanKeys(attributes: Readonly<Record<string, unknown>>): number {
    const { keys, values, ranks, markers } = this;
    this.lazy = undefined;
    for (let i = 0; i < FIELD_COUNT; i++) {
      keys[i] = undefined;
      values[i] = undefined;
      ranks[i] = NO_RANK;
    }
    for (let i = 0; i < MARKER_COUNT; i++) markers[i] = undefined;

    let count = 0;
    for (const key in attributes) {
      count++;
      const role = KEY_ROLES.get(key);
      if (role === undefined) continue;
      const value = attributes[key];
      if (role.marker >= 0) markers[role.marker] = value;
      const field = role.field;
      if (field < 0 || value === undefined || value === null || (role.label && value === '')) continue;
      if (role.rank < ranks[field]!) {
        ranks[field] = role.rank;
        keys[field] = key;
        values[field] = value;
      }
    }
    return count;
  }

  /** Each field's precedence list looked up in order until a present key (the same result). */
  scanKeyByKey(attributes: Readonly<Record<string, unknown>>): void {
    const { keys, values } = this;
    this.lazy = attributes;
    for (let field = 0; field < FIELD_COUNT; field++) {
      const list = FIELD_KEYS[field]!;
      const label = LABEL[field]!;
      keys[field] = undefined;
      values[field] = undefined;
      for (let rank = 0; rank < list.length; rank++) {
        const key = list[rank]!;
        const value = attributes[key];
        if (value === undefined || value === null || (label && value === '')) continue;
        keys[field] = key;
        values[field] = value;
        break;
      }
    }
  }
}
