// A column of doubles in the smallest exact form: one value when all are equal, unsigned
// offsets from the minimum when all are integers close together, else raw Float64. Little-endian.

/** Bytes per stored value: 0 = one constant, 1/2/4 = integer offsets from a base, 8 = raw doubles. */
export type Width = 0 | 1 | 2 | 4 | 8;

export interface ColumnPlan {
  width: Width;
  /** The constant (width 0) or the minimum (widths 1, 2, 4). */
  base: number;
}

export function planColumn(values: Float64Array): ColumnPlan {
  const n = values.length;
  if (n === 0) return { width: 0, base: 0 };
  const first = values[0] as number;
  let same = true;
  let ints = true;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (same && !Object.is(v, first)) same = false;
    if (ints) {
      // -0 is not an integer here: an offset from a base would come back as +0.
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
        if (v < min) min = v;
        if (v > max) max = v;
      } else {
        ints = false;
      }
    }
    if (!same && !ints) break;
  }
  if (same) return { width: 0, base: first };
  if (!ints) return { width: 8, base: 0 };
  const span = max - min;
  return { width: span < 0x100 ? 1 : span < 0x10000 ? 2 : span < 0x1_0000_0000 ? 4 : 8, base: min };
}

/** Bytes the column takes: a width byte, the base (unless raw), the values. */
export function packedSize(plan: ColumnPlan, n: number): number {
  return 1 + (plan.width === 8 ? 0 : 8) + n * plan.width;
}

/** Writes the column at `at`; returns the offset after it. */
export function writeColumn(view: DataView, at: number, values: Float64Array, plan: ColumnPlan): number {
  const { width, base } = plan;
  const n = values.length;
  view.setUint8(at++, width);
  if (width !== 8) {
    view.setFloat64(at, base, true);
    at += 8;
  }
  switch (width) {
    case 1:
      for (let i = 0; i < n; i++) view.setUint8(at + i, (values[i] as number) - base);
      break;
    case 2:
      for (let i = 0; i < n; i++) view.setUint16(at + 2 * i, (values[i] as number) - base, true);
      break;
    case 4:
      for (let i = 0; i < n; i++) view.setUint32(at + 4 * i, (values[i] as number) - base, true);
      break;
    case 8:
      for (let i = 0; i < n; i++) view.setFloat64(at + 8 * i, values[i] as number, true);
      break;
  }
  return at + n * width;
}

function widthAt(view: DataView, at: number): Width {
  const width = view.getUint8(at);
  if (width !== 0 && width !== 1 && width !== 2 && width !== 4 && width !== 8) throw new Error(`bad packed column width ${width}`);
  return width;
}

/** The offset after the column at `at` (without decoding it). */
export function skipColumn(view: DataView, at: number, n: number): number {
  const width = widthAt(view, at);
  return at + packedSize({ width, base: 0 }, n);
}

export function readColumn(view: DataView, at: number, n: number): Float64Array {
  const width = widthAt(view, at++);
  const out = new Float64Array(n);
  if (width === 8) {
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(at + 8 * i, true);
    return out;
  }
  const base = view.getFloat64(at, true);
  at += 8;
  switch (width) {
    case 0:
      out.fill(base);
      break;
    case 1:
      for (let i = 0; i < n; i++) out[i] = base + view.getUint8(at + i);
      break;
    case 2:
      for (let i = 0; i < n; i++) out[i] = base + view.getUint16(at + 2 * i, true);
      break;
    case 4:
      for (let i = 0; i < n; i++) out[i] = base + view.getUint32(at + 4 * i, true);
      break;
  }
  return out;
}

export interface ColumnHeader extends ColumnPlan {
  /** Offset of the first stored value. */
  valuesAt: number;
}

export function readHeader(view: DataView, at: number): ColumnHeader {
  const width = widthAt(view, at);
  if (width === 8) return { width, base: 0, valuesAt: at + 1 };
  return { width, base: view.getFloat64(at + 1, true), valuesAt: at + 9 };
}

/** Value i of a column, read in place. */
export function readCell(view: DataView, h: ColumnHeader, i: number): number {
  switch (h.width) {
    case 0: return h.base;
    case 1: return h.base + view.getUint8(h.valuesAt + i);
    case 2: return h.base + view.getUint16(h.valuesAt + 2 * i, true);
    case 4: return h.base + view.getUint32(h.valuesAt + 4 * i, true);
    case 8: return view.getFloat64(h.valuesAt + 8 * i, true);
  }
}
