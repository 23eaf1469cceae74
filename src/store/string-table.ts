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

/** A table read in place: a string is cut from the text when first asked for. */
export class StringTableReader {
  readonly count: number;
  private readonly text: string;
  /** starts[j] is where string j begins in the text; starts[count] is the text's length. */
  private readonly starts: Float64Array;
  private readonly cut: (string | undefined)[];

  constructor(data: Buffer, view: DataView, at: number) {
    const count = view.getUint32(at + 1, true);
    const lengths = readColumn(view, at + 5, count);
    const textAt = skipColumn(view, at + 5, count) + 4;
    this.text = data.toString(view.getUint8(at) === UTF16LE ? 'utf16le' : 'latin1', textAt, textAt + view.getUint32(textAt - 4, true));
    this.count = count;
    this.starts = new Float64Array(count + 1);
    for (let j = 0; j < count; j++) this.starts[j + 1] = (this.starts[j] as number) + (lengths[j] as number);
    this.cut = new Array<string | undefined>(count);
  }

  get(j: number): string {
    let s = this.cut[j];
    if (s === undefined) {
      s = this.text.slice(this.starts[j], this.starts[j + 1]);
      this.cut[j] = s;
    }
    return s;
  }

  /** The indexes of the strings equal to `s` (a table may hold a string more than once); nothing is cut to search. */
  indexesOf(s: string): number[] {
    const { starts, text } = this;
    const found: number[] = [];
    for (let j = 0; j < this.count; j++) {
      const from = starts[j] as number;
      if ((starts[j + 1] as number) - from === s.length && text.startsWith(s, from)) found.push(j);
    }
    return found;
  }
}

export function readStrings(data: Buffer, view: DataView, at: number): string[] {
  const table = new StringTableReader(data, view, at);
  return Array.from({ length: table.count }, (_, j) => table.get(j));
}
