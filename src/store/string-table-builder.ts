// The string table of the ledger block being built (format: string-table.ts). Strings are
// appended one by one and numbered from 1; pack() gives exactly what packStrings() of all of
// them gives.
//
// While every char fits in a byte, appended strings wait in a batch of BATCH, then are written
// as latin1 bytes at once: one join and one write per batch cost about what one join per block
// did, and no string is held until the block is finished (held that long, a block's trace and
// span ids survived scavenges and were copied, or promoted). The first string with a wider char
// turns the table into a plain list of all its strings (those written are decoded back: exact,
// each char was a byte) and the rest are appended to it.
import { packLatin1, packStrings, WIDE_CHAR } from './string-table.js';
import type { PackedStrings } from './string-table.js';

const BATCH = 128;
/** A string this long is written alone (a batch's join stays short). */
const BATCH_CHARS = 8192;
/** The longest string V8 makes: a table whose strings add up to more fails to pack, as the join of them all did. */
const MAX_TEXT = 536_870_888;
// A module-level copy: under some loaders (tsx) each use of an imported binding is a getter call.
const WIDE = WIDE_CHAR;

export class StringTableBuilder {
  /** Strings appended (the reference of the last one). */
  count = 0;
  /** Length in chars of each written string. */
  private lengths = new Float64Array(1024);
  private text = Buffer.allocUnsafe(16384);
  private textBytes = 0;
  private written = 0;
  /** Appended strings not written yet: the first `batched` slots. */
  private batch: string[] = new Array<string>(BATCH);
  private batched = 0;
  /** Every string, once one does not fit in latin1. */
  private wide: string[] | null = null;
  /** The strings add up to more than MAX_TEXT chars (nothing more is written; pack() throws until reset()). */
  private overflow = false;

  /** Adds a string; returns its reference. */
  append(s: string): number {
    const r = ++this.count;
    if (this.wide === null && s.length < BATCH_CHARS) {
      this.batch[this.batched++] = s;
      if (this.batched === BATCH) this.writeBatch();
    } else {
      this.appendRare(s);
    }
    return r;
  }

  /** The table, as packStrings() of every string appended makes it. */
  pack(): PackedStrings {
    if (this.wide === null) this.writeBatch();
    if (this.wide !== null) return packStrings(this.wide);
    // As the join of them all did.
    if (this.overflow) throw new RangeError('Invalid string length');
    return packLatin1(this.lengths.subarray(0, this.written), this.text.subarray(0, this.textBytes));
  }

  /** Empties the table (its buffers are kept). */
  reset(): void {
    this.count = 0;
    this.textBytes = 0;
    this.written = 0;
    if (this.batched !== 0) this.batch = new Array<string>(BATCH);
    this.batched = 0;
    this.wide = null;
    this.overflow = false;
  }

  /** append() to a wide table, or of a string longer than a batch (written alone, unjoined). */
  private appendRare(s: string): void {
    if (this.wide === null) this.writeBatch();
    if (this.wide !== null) {
      this.wide.push(s);
    } else {
      this.batch[0] = s;
      this.batched = 1;
      this.writeBatch();
    }
  }

  /** Writes the batched strings as latin1 (or makes the table wide, if a char does not fit in a byte). */
  private writeBatch(): void {
    const batch = this.batch;
    const batched = this.batched;
    if (batched === 0) return;
    // A new array for each batch: the strings are young, as is the array they are stored in (no
    // write barrier), and none is held once written.
    this.batch = new Array<string>(BATCH);
    this.batched = 0;
    if (this.overflow) return;
    const written = this.written;
    if (written + batched > this.lengths.length) {
      const lengths = new Float64Array(Math.max(written + batched, 2 * this.lengths.length));
      lengths.set(this.lengths.subarray(0, written));
      this.lengths = lengths;
    }
    // (Slots past `batched` are holes, joined as ''.)
    const s = batched === 1 ? batch[0]! : batch.join('');
    const lengths = this.lengths;
    for (let k = 0; k < batched; k++) lengths[written + k] = batch[k]!.length;
    if (WIDE.test(s)) {
      const wide: string[] = [];
      let at = 0;
      for (let j = 0; j < written; j++) {
        const end = at + (lengths[j] as number);
        wide.push(this.text.toString('latin1', at, end));
        at = end;
      }
      for (let k = 0; k < batched; k++) wide.push(batch[k]!);
      this.wide = wide;
      return;
    }
    this.written = written + batched;
    const end = this.textBytes + s.length;
    if (end > MAX_TEXT) {
      this.overflow = true;
      return;
    }
    if (end > this.text.length) {
      const text = Buffer.allocUnsafe(Math.max(end, 2 * this.text.length));
      this.text.copy(text, 0, 0, this.textBytes);
      this.text = text;
    }
    this.textBytes += this.text.write(s, this.textBytes, 'latin1');
  }
}
