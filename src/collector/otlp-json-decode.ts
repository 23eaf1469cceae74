// Decodes an OTLP/JSON ExportTraceServiceRequest (ids in hex, 64-bit ints as strings or
// numbers, enums as integers or names; lowerCamelCase keys, snake_case also accepted).
import type { SpanInput } from '../types.js';
import { BatchBuilder, MAX_VALUE_DEPTH } from './decoded-batch.js';
import type { DecodedBatch } from './decoded-batch.js';

type Attrs = Record<string, unknown>;
type Json = Record<string, unknown>;

/** Raised for a body that is not JSON or does not have the OTLP request's shape. */
export class JsonDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonDecodeError';
  }
}

const HEX = /^[0-9a-fA-F]*$/;
const EMPTY_ATTRS: Readonly<Attrs> = Object.freeze({});

export interface JsonDecodedBatch extends DecodedBatch {
  /** The parsed request, for forwarding with added attributes. */
  root: Json;
  /** The raw JSON span object of each usable span (aligned with `spans`). */
  rawSpans: Json[];
}

/** Decodes a whole request. Throws JsonDecodeError for a malformed body; bad spans are counted. */
export function decodeTraceRequestJson(text: string): JsonDecodedBatch {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw new JsonDecodeError(`body is not valid JSON: ${(err as Error).message}`);
  }
  const req = asObject(root, 'request');
  const out = new BatchBuilder();
  const rawSpans: Json[] = [];
  for (const rs of asArray(field(req, 'resourceSpans', 'resource_spans'), 'resourceSpans')) {
    const rsObj = asObject(rs, 'resourceSpans[]');
    const resource = field(rsObj, 'resource', 'resource');
    const resourceAttrs =
      resource === undefined ? EMPTY_ATTRS : attributesOf(asObject(resource, 'resource'), 'resource.attributes');
    const scopeSpansList = field(rsObj, 'scopeSpans', 'scope_spans') ?? field(rsObj, 'instrumentationLibrarySpans', 'instrumentation_library_spans');
    for (const ss of asArray(scopeSpansList, 'scopeSpans')) {
      const ssObj = asObject(ss, 'scopeSpans[]');
      const scopeRaw = field(ssObj, 'scope', 'scope') ?? field(ssObj, 'instrumentationLibrary', 'instrumentation_library');
      const scope = scopeRaw === undefined ? undefined : asObject(scopeRaw, 'scope');
      const scopeName = scope === undefined ? undefined : optString(scope.name, 'scope.name');
      const scopeVersion = scope === undefined ? undefined : optString(scope.version, 'scope.version');
      for (const sp of asArray(ssObj.spans, 'spans')) {
        const spanObj = asObject(sp, 'spans[]');
        const before = out.batch.spans.length;
        decodeSpan(spanObj, resourceAttrs, scopeName, scopeVersion, out);
        if (out.batch.spans.length > before) rawSpans.push(spanObj);
      }
    }
  }
  return { ...out.batch, root: req, rawSpans };
}

function decodeSpan(
  s: Json,
  resourceAttrs: Readonly<Attrs>,
  scopeName: string | undefined,
  scopeVersion: string | undefined,
  out: BatchBuilder,
): void {
  const name = optString(s.name, 'span.name') ?? '';
  const startNs = optUint64(field(s, 'startTimeUnixNano', 'start_time_unix_nano'), 'span.startTimeUnixNano');
  const endNs = optUint64(field(s, 'endTimeUnixNano', 'end_time_unix_nano'), 'span.endTimeUnixNano');
  const attributes = attributesOf(s, 'span.attributes');
  let statusError = false;
  let statusMessage: string | undefined;
  const status = s.status;
  if (status !== undefined && status !== null) {
    const st = asObject(status, 'span.status');
    statusMessage = optString(st.message, 'status.message');
    const code = st.code;
    statusError = code === 2 || code === 'STATUS_CODE_ERROR';
    if (code !== undefined && typeof code !== 'number' && typeof code !== 'string') {
      throw new JsonDecodeError('status.code must be an integer or an enum name');
    }
  }
  const traceId = idOf(field(s, 'traceId', 'trace_id'), 32);
  if (traceId === undefined) return out.reject('invalid_trace_id');
  const spanId = idOf(field(s, 'spanId', 'span_id'), 16);
  if (spanId === undefined) return out.reject('invalid_span_id');
  const parentRaw = field(s, 'parentSpanId', 'parent_span_id');
  let parentSpanId: string | undefined;
  if (parentRaw !== undefined && parentRaw !== null && parentRaw !== '') {
    if (typeof parentRaw !== 'string' || parentRaw.length !== 16 || !HEX.test(parentRaw)) {
      return out.reject('invalid_parent_span_id');
    }
    if (!/^0+$/.test(parentRaw)) parentSpanId = parentRaw.toLowerCase();
  }
  const span: SpanInput = {
    traceId,
    spanId,
    parentSpanId,
    name,
    startTimeMs: startNs / 1e6,
    endTimeMs: endNs / 1e6,
    statusError,
    statusMessage,
    attributes,
    resourceAttributes: resourceAttrs,
    scopeName,
    scopeVersion,
  };
  out.accept(span);
}

function idOf(v: unknown, hexLen: number): string | undefined {
  if (typeof v !== 'string' || v.length !== hexLen || !HEX.test(v) || /^0+$/.test(v)) return undefined;
  return v.toLowerCase();
}

function field(o: Json, camel: string, snake: string): unknown {
  const v = o[camel];
  return v === undefined ? o[snake] : v;
}

function asObject(v: unknown, what: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new JsonDecodeError(`${what} must be an object`);
  return v as Json;
}

function asArray(v: unknown, what: string): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new JsonDecodeError(`${what} must be an array`);
  return v;
}

function optString(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new JsonDecodeError(`${what} must be a string`);
  return v;
}

function optUint64(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0) throw new JsonDecodeError(`${what} must be a non-negative integer (string or number)`);
  return n;
}

function attributesOf(o: Json, what: string): Attrs {
  const list = asArray(o.attributes, what);
  const attrs: Attrs = {};
  for (const kv of list) addKeyValue(asObject(kv, what), attrs, 1, what);
  return attrs;
}

function addKeyValue(kv: Json, into: Attrs, depth: number, what: string): void {
  const key = optString(kv.key, `${what}.key`);
  if (key === undefined || key === '__proto__') return;
  const raw = kv.value;
  if (raw === undefined || raw === null) return;
  const value = anyValue(asObject(raw, `${what}.value`), depth, what);
  if (value !== undefined) into[key] = value;
}

function anyValue(v: Json, depth: number, what: string): unknown {
  if ('stringValue' in v || 'string_value' in v) return optString(field(v, 'stringValue', 'string_value'), `${what} stringValue`);
  if ('boolValue' in v || 'bool_value' in v) {
    const b = field(v, 'boolValue', 'bool_value');
    if (typeof b !== 'boolean') throw new JsonDecodeError(`${what} boolValue must be a boolean`);
    return b;
  }
  if ('intValue' in v || 'int_value' in v) {
    const i = field(v, 'intValue', 'int_value');
    const n = typeof i === 'number' ? i : typeof i === 'string' && /^-?\d+$/.test(i) ? Number(i) : NaN;
    if (!Number.isInteger(n)) throw new JsonDecodeError(`${what} intValue must be an integer (string or number)`);
    return n;
  }
  if ('doubleValue' in v || 'double_value' in v) {
    const d = field(v, 'doubleValue', 'double_value');
    const n = typeof d === 'number' ? d : typeof d === 'string' ? Number(d) : NaN;
    if (typeof d !== 'number' && (typeof d !== 'string' || (Number.isNaN(n) && d !== 'NaN'))) {
      throw new JsonDecodeError(`${what} doubleValue must be a number`);
    }
    return n;
  }
  if ('arrayValue' in v || 'array_value' in v) {
    if (depth >= MAX_VALUE_DEPTH) return undefined;
    const arr = asObject(field(v, 'arrayValue', 'array_value'), `${what} arrayValue`);
    const values: unknown[] = [];
    for (const item of asArray(arr.values, `${what} arrayValue.values`)) {
      const x = anyValue(asObject(item, `${what} arrayValue.values[]`), depth + 1, what);
      if (x !== undefined) values.push(x);
    }
    return values;
  }
  if ('kvlistValue' in v || 'kvlist_value' in v) {
    if (depth >= MAX_VALUE_DEPTH) return undefined;
    const kvl = asObject(field(v, 'kvlistValue', 'kvlist_value'), `${what} kvlistValue`);
    const attrs: Attrs = {};
    for (const kv of asArray(kvl.values, `${what} kvlistValue.values`)) {
      addKeyValue(asObject(kv, `${what} kvlistValue.values[]`), attrs, depth + 1, what);
    }
    return attrs;
  }
  if ('bytesValue' in v || 'bytes_value' in v) {
    const b = optString(field(v, 'bytesValue', 'bytes_value'), `${what} bytesValue`);
    return b === undefined ? undefined : new Uint8Array(Buffer.from(b, 'base64'));
  }
  return undefined;
}
