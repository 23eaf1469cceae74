// Reading attribute values that arrive as numbers, numeric strings or garbage.

/** Returned by the readers for a value that is present but unusable. */
export const INVALID = Symbol('invalid');
export type Invalid = typeof INVALID;

const DIGITS = /^[0-9]{1,16}$/;
/** Model, provider and id strings longer than this are treated as garbage (label safety). */
export const MAX_LABEL_LENGTH = 256;

/**
 * A token count: a non-negative safe integer (number, bigint or decimal-digit string).
 * undefined when absent (undefined/null), INVALID for anything else
 * (negative, fractional, NaN, 1e300, 'abc', arrays, objects).
 */
export function readCount(value: unknown): number | undefined | Invalid {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') {
    // `+ 0` turns -0 into 0.
    return Number.isSafeInteger(value) && value >= 0 ? value + 0 : INVALID;
  }
  if (typeof value === 'string') {
    const s = value.trim();
    if (!DIGITS.test(s)) return INVALID;
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : INVALID;
  }
  if (typeof value === 'bigint') {
    return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : INVALID;
  }
  return INVALID;
}

/**
 * A label-like string (model, provider, session, ...): non-empty strings as-is,
 * finite numbers and booleans stringified; undefined when absent or empty,
 * INVALID for arrays, objects, non-finite numbers and over-long strings.
 */
export function readLabel(value: unknown): string | undefined | Invalid {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    if (value.length === 0) return undefined;
    return value.length <= MAX_LABEL_LENGTH ? value : INVALID;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : INVALID;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return INVALID;
}

/** A dimension value: like readLabel, but arrays of primitives are joined with ','. */
export function readDimension(value: unknown): string | undefined | Invalid {
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (const item of value) {
      const part = readLabel(item);
      if (part === INVALID) return INVALID;
      if (part !== undefined) parts.push(part);
    }
    const joined = parts.join(',');
    if (joined.length === 0) return undefined;
    return joined.length <= MAX_LABEL_LENGTH ? joined : INVALID;
  }
  return readLabel(value);
}

const DECIMAL = /^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;

/**
 * An amount of USD (a cost already on the span): a finite non-negative number or decimal
 * string below 1e9. undefined when absent, INVALID otherwise.
 */
export function readUsd(value: unknown): number | undefined | Invalid {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value.trim()) : NaN;
  return Number.isFinite(n) && n >= 0 && n < 1e9 ? n + 0 : INVALID;
}
