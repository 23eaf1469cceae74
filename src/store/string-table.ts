// A list of strings as bytes: u8 text encoding, u32 count, their lengths in UTF-16 code units
// (a packed column), u32 text bytes, then the strings concatenated as latin1 when every char
// fits in a byte, else as utf-16le. Both are exact for any JS string, lone surrogates included.
import type { ColumnPlan } from './packed-column.js';
import { packedSize, planColumn, readColumn, skipColumn, writeColumn } from './packed-column.js';

const LATIN1 = 0;
const UTF16LE = 1;
const WIDE_CHAR = /[\u0100-\uffff]/;

export interface PackedStrings {
  /** Bytes the table takes. */
  size: number;
  count: number;
  lengths: Float64Array;
  plan: ColumnPlan;
  text: string;
  wide: boolean;
}

export function packStrings(strings: readonly string[]): PackedStrings {
  const lengths = new Float64Array(strings.length);
  for (let j = 0; j < strings.length; j++) lengths[j] = (strings[j] as string).length;
  const plan = planColumn(lengths);
  const text = strings.join('');
  const wide = WIDE_CHAR.test(text);
  const size = 5 + packedSize(plan, strings.length) + 4 + (wide ? 2 : 1) * text.length;
  return { size, count: strings.length, lengths, plan, text, wide };
}

/** Writes the table at `at`; returns the offset after it. */
export function writeStrings(data: Buffer, view: DataView, at: number, p: PackedStrings): number {
  view.setUint8(at, p.wide ? UTF16LE : LATIN1);
  view.setUint32(at + 1, p.count, true);
  at = writeColumn(view, at + 5, p.lengths, p.plan);
  const bytes = (p.wide ? 2 : 1) * p.text.length;
  view.setUint32(at, bytes, true);
  at += 4;
  return at + data.write(p.text, at, bytes, p.wide ? 'utf16le' : 'latin1');
}

/** The offset after the table at `at` (without decoding it). */
export function skipStrings(view: DataView, at: number): number {
  const end = skipColumn(view, at + 5, view.getUint32(at + 1, true));
  return end + 4 + view.getUint32(end, true);
}

export function readStrings(data: Buffer, view: DataView, at: number): string[] {
  const count = view.getUint32(at + 1, true);
  const lengths = readColumn(view, at + 5, count);
  const textAt = skipColumn(view, at + 5, count) + 4;
  const text = data.toString(view.getUint8(at) === UTF16LE ? 'utf16le' : 'latin1', textAt, textAt + view.getUint32(textAt - 4, true));
  const strings: string[] = [];
  let from = 0;
  for (let j = 0; j < count; j++) {
    const len = lengths[j] as number;
    strings.push(text.slice(from, from + len));
    from += len;
  }
  return strings;
}
