// The string references of the ledger block being written, per field (column): the block's
// string table numbers each string from 1, and a reference column holds those numbers.
//
// A string already in the table is referenced again, found through one map shared by all
// fields; before the map, each field checks its last string (runs of equal values) and its
// last RECENT looked-up strings (a few labels, models and providers, alternate call by call:
// comparing a new string with them costs less than hashing it). A field whose first
// UNIQUE_AFTER lookups (almost) all missed holds ids (trace, session): its strings are then
// appended without the map, as duplicates if they repeat.
import { StringTableBuilder } from './string-table-builder.js';
import type { PackedStrings } from './string-table.js';

const UNIQUE_AFTER = 64;
const RECENT = 4;

export class FieldStringRefs {
  private readonly table = new StringTableBuilder();
  private readonly refs = new Map<string, number>();
  /** Per field, the last string referenced and its reference. */
  private readonly lastString: (string | undefined)[];
  private readonly lastRef: Float64Array;
  /** Per field, lookups and misses of the map in this block. */
  private readonly lookups: Int32Array;
  private readonly misses: Int32Array;
  private readonly appendOnly: Uint8Array;
  /** Per field, the last RECENT strings looked up in the map and their references (a ring). */
  private readonly recentStrings: (string | undefined)[];
  private readonly recentRefs: Float64Array;
  private readonly recentNext: Uint8Array;

  constructor(fields: number) {
    this.lastString = new Array<string | undefined>(fields).fill(undefined);
    this.lastRef = new Float64Array(fields);
    this.lookups = new Int32Array(fields);
    this.misses = new Int32Array(fields);
    this.appendOnly = new Uint8Array(fields);
    this.recentStrings = new Array<string | undefined>(RECENT * fields).fill(undefined);
    this.recentRefs = new Float64Array(RECENT * fields);
    this.recentNext = new Uint8Array(fields);
  }

  /** Strings in the table (the largest reference). */
  get count(): number {
    return this.table.count;
  }

  /** The string `field` referenced last (the one its last ref() returned). */
  last(field: number): string | undefined {
    return this.lastString[field];
  }

  /** The table, as packStrings() of every string in reference order makes it. */
  pack(): PackedStrings {
    return this.table.pack();
  }

  /** Empties the table and forgets every reference (a new block). */
  reset(): void {
    this.table.reset();
    this.refs.clear();
    this.lastString.fill(undefined);
    this.recentStrings.fill(undefined);
    this.lookups.fill(0);
    this.misses.fill(0);
    this.appendOnly.fill(0);
  }

  /** The reference of `s` in the block (0 for null), stored in column `field`. */
  ref(field: number, s: string | null): number {
    if (s === null) return 0;
    if (s === this.lastString[field]) return this.lastRef[field] as number;
    let r: number | undefined;
    if (this.appendOnly[field] === 1) {
      r = this.table.append(s);
    } else {
      r = this.recentRef(field, s);
      if (r === 0) {
        r = this.refs.get(s);
        if (r === undefined) {
          r = this.table.append(s);
          this.refs.set(s, r);
          this.misses[field] = (this.misses[field] as number) + 1;
        }
        const at = RECENT * field + (this.recentNext[field] as number);
        this.recentStrings[at] = s;
        this.recentRefs[at] = r;
        this.recentNext[field] = ((this.recentNext[field] as number) + 1) % RECENT;
      }
      // A string found among the recent ones counts as a map hit: the same fields turn append-only.
      const lookups = (this.lookups[field] as number) + 1;
      this.lookups[field] = lookups;
      if (lookups === UNIQUE_AFTER && (this.misses[field] as number) >= UNIQUE_AFTER - 2) this.appendOnly[field] = 1;
    }
    this.lastString[field] = s;
    this.lastRef[field] = r;
    return r;
  }

  /** The reference of `s` when it is one of the last RECENT strings the field looked up in the map, else 0. */
  private recentRef(field: number, s: string): number {
    const strings = this.recentStrings;
    for (let k = RECENT * field, end = k + RECENT; k < end; k++) if (strings[k] === s) return this.recentRefs[k] as number;
    return 0;
  }
}
