// A list of strings as bytes: u8 text encoding, u32 count, their lengths in UTF-16 code units
// (a packed column), u32 text bytes, then the strings concatenated as latin1 when every char
// fits in a byte, else as utf-16le. Both are exact for any JS string, lone surrogates included.
import type { ColumnPlan } from './packed-column.js';
import { packedSize, planColumn, readColumn, skipColumn, writeColumn } from './packed-column.js';

const LATIN1 = 0;
const UTF16LE = 1;
/** A char latin1 cannot hold (lone surrogates included). */
export const WIDE_CHAR = /[\u0100-\uffff]/;

export interface PackedStrings {
  /** Bytes the table takes. */
  size: number;
  count: number;
  lengths: Float64Array;
  plan: ColumnPlan;
  /** The strings concatenated, or (packLatin1) their latin1 bytes. */
  text: string | Uint8Array;
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

/**
 * The table of strings whose chars all fit in a byte, given as their lengths and their text
 * already written as latin1 (the bytes packStrings would write for them).
 */
export function packLatin1(lengths: Float64Array, text: Uint8Array): PackedStrings {
  const plan = planColumn(lengths);
  const size = 5 + packedSize(plan, lengths.length) + 4 + text.length;
  return { size, count: lengths.length, lengths, plan, text, wide: false };
}

/** Writes the table at `at`; returns the offset after it. */
export function writeStrings(data: Buffer, view: DataView, at: number, p: PackedStrings): number {
  view.setUint8(at, p.wide ? UTF16LE : LATIN1);
  view.setUint32(at + 1, p.count, true);
  at = writeColumn(view, at + 5, p.lengths, p.plan);
  const text = p.text;
  const bytes = (p.wide ? 2 : 1) * text.length;
  view.setUint32(at, bytes, true);
  at += 4;
  if (typeof text !== 'string') {
    data.set(text, at);
    return at + bytes;
  }
  return at + data.write(text, at, bytes, p.wide ? 'utf16le' : 'latin1');
}

/** The offset after the table at `at` (without decoding it). */
export function skipStrings(view: DataView, at: number): number {
  const end = skipColumn(view, at + 5, view.getUint32(at + 1, true));
  return end + 4 + view.getUint32(end, true);
}

/** Strings asked for before the whole text is decoded at once (cheaper than one by one past this). */
const WHOLE_TEXT_AFTER = 64;

/**
 * A table read in place. A search runs over the bytes (nothing decoded); a string is decoded
 * when asked for, from its bytes, or from the whole text once many were asked for.
 */
export class StringTableReader {
  readonly count: number;
  private readonly data: Buffer;
  private readonly view: DataView;
  private readonly lengthsAt: number;
  private readonly encoding: 'latin1' | 'utf16le';
  private readonly bytesPerChar: number;
  private readonly textAt: number;
  private readonly textEnd: number;
  /** starts[j] is where string j begins in the text (in chars); starts[count] is the text's length. */
  private startsCache: Uint32Array | undefined;
  private text: string | undefined;
  private asked = 0;

  constructor(data: Buffer, view: DataView, at: number) {
    this.data = data;
    this.view = view;
    this.count = view.getUint32(at + 1, true);
    this.lengthsAt = at + 5;
    const wide = view.getUint8(at) === UTF16LE;
    this.encoding = wide ? 'utf16le' : 'latin1';
    this.bytesPerChar = wide ? 2 : 1;
    this.textAt = skipColumn(view, this.lengthsAt, this.count) + 4;
    this.textEnd = this.textAt + view.getUint32(this.textAt - 4, true);
  }

  get(j: number): string {
    const starts = this.starts();
    const from = starts[j] as number;
    const to = starts[j + 1] as number;
    if (this.text === undefined && ++this.asked > WHOLE_TEXT_AFTER) this.text = this.data.toString(this.encoding, this.textAt, this.textEnd);
    if (this.text !== undefined) return this.text.slice(from, to);
    return this.data.toString(this.encoding, this.textAt + from * this.bytesPerChar, this.textAt + to * this.bytesPerChar);
  }

  /** The indexes of the strings equal to `s` (a table may hold a string more than once). */
  indexesOf(s: string): number[] {
    const found: number[] = [];
    if (s.length === 0) {
      const starts = this.starts();
      for (let j = 0; j < this.count; j++) if (starts[j] === starts[j + 1]) found.push(j);
      return found;
    }
    if (this.bytesPerChar === 1 && WIDE_CHAR.test(s)) return found;
    const needle = Buffer.from(s, this.encoding);
    for (let at = this.data.indexOf(needle, this.textAt); at !== -1 && at + needle.length <= this.textEnd; at = this.data.indexOf(needle, at + 1)) {
      const offset = at - this.textAt;
      if (offset % this.bytesPerChar !== 0) continue;
      const j = this.firstStartingAt(offset / this.bytesPerChar);
      const starts = this.starts();
      // Empty strings share their start with the next one.
      for (let k = j; k < this.count && starts[k] === offset / this.bytesPerChar; k++) {
        if ((starts[k + 1] as number) - (starts[k] as number) === s.length) found.push(k);
      }
    }
    return found;
  }

  /** The first string starting at char `pos` (count when none does). */
  private firstStartingAt(pos: number): number {
    const starts = this.starts();
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((starts[mid] as number) < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private starts(): Uint32Array {
    if (this.startsCache === undefined) {
      const lengths = readColumn(this.view, this.lengthsAt, this.count);
      const starts = new Uint32Array(this.count + 1);
      let at = 0;
      for (let j = 0; j < this.count; j++) {
        at += lengths[j] as number;
        starts[j + 1] = at;
      }
      this.startsCache = starts;
    }
    return this.startsCache;
  }
}

export function readStrings(data: Buffer, view: DataView, at: number): string[] {
  const table = new StringTableReader(data, view, at);
  return Array.from({ length: table.count }, (_, j) => table.get(j));
}
