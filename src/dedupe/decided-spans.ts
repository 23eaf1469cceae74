// The LLM spans already decided, each with its trace id and whether it was counted, so that
// a child ending after its counted parent is not counted again, and so that a span re-sent by
// an exporter (the collector) gets its first verdict again. Bounded like BoundedIdSet: two
// generations, the older dropped whole (its table cleared and reused) when the younger fills.
//
// A generation is an open-addressing hash table in typed arrays, not a Map of id strings: a
// probe reads a few adjacent int32 instead of dereferencing candidate key strings (cache
// misses), and no id string is kept alive (promoted to old space) by the memory. The key is
// the 64-bit span id parsed from its 16 lower-case hex characters, the value the 128-bit trace
// id (32 lower-case hex characters) and a counted flag. The mapping is exact both ways, so
// there are no false positives. Ids of any other shape (upper-case, other lengths, an all-zero
// span id, which marks an empty slot) take a small Map path in the same generation: a span id
// lives in exactly one place per generation, decided by its own shape.
//
// The keys have an array of their own (8 bytes a slot, trace ids and flags in two more): a
// lookup is nearly always a miss, which then reads one cache line per generation. Slots of 32
// bytes holding everything measured slower (a larger footprint for the probes).

import { parseHex } from './hex-words.js';

const COUNTED = 1;
/** The trace id is not 32 lower-case hex characters: it is in `oddTraces`, keyed by span id. */
const ODD_TRACE = 2;
const FIRST_SLOTS = 16;

/** The parsed span id of the current call (hi, lo); trace id words follow when parsed. */
const scratch = new Int32Array(6);

/** true when spanId is a table key, then parsed into scratch[0..1]. */
function parseSpanId(spanId: string): boolean {
  return spanId.length === 16 && parseHex(spanId, 2, scratch, 0) && (scratch[0]! | scratch[1]!) !== 0;
}

interface OddSpan {
  traceId: string;
  counted: boolean;
}

/** Verdicts of Generation.lookup. */
const ABSENT = -1;
const NOT_COUNTED = 0;
const IS_COUNTED = 1;
const OTHER_TRACE = 2;

class Generation {
  /** Span id per slot: hi, lo; 0, 0 is an empty slot. */
  private keys = new Int32Array(2 * FIRST_SLOTS);
  /** Trace id per slot, four words. */
  private traces = new Int32Array(4 * FIRST_SLOTS);
  private flags = new Uint8Array(FIRST_SLOTS);
  private shift = 32 - Math.log2(FIRST_SLOTS);
  private mask = FIRST_SLOTS - 1;
  private tableSize = 0;
  /** Span ids that are not table keys. */
  private readonly oddSpans = new Map<string, OddSpan>();
  /** Trace ids of table entries flagged ODD_TRACE. */
  private readonly oddTraces = new Map<string, string>();

  /** maxSlots: a power of two at least twice the most entries the generation holds. */
  constructor(
    private readonly maxSlots: number,
    private readonly seed: number,
  ) {}

  get size(): number {
    return this.tableSize + this.oddSpans.size;
  }

  clear(): void {
    if (this.tableSize > 0) this.keys.fill(0);
    this.tableSize = 0;
    if (this.oddSpans.size > 0) this.oddSpans.clear();
    if (this.oddTraces.size > 0) this.oddTraces.clear();
  }

  /** The slot holding span id (hi, lo), or the empty slot where it would go (linear probing). */
  private probe(hi: number, lo: number): number {
    const keys = this.keys;
    const h = Math.imul(hi ^ this.seed, 0x9e3779b1) ^ lo;
    let i = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> this.shift;
    for (;;) {
      const khi = keys[2 * i]!;
      const klo = keys[2 * i + 1]!;
      if ((khi === hi && klo === lo) || (khi | klo) === 0) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** For a table key in scratch[0..1]. */
  lookup(spanId: string, traceId: string): number {
    const i = this.probe(scratch[0]!, scratch[1]!);
    if ((this.keys[2 * i]! | this.keys[2 * i + 1]!) === 0) return ABSENT;
    const flags = this.flags[i]!;
    let same: boolean;
    if ((flags & ODD_TRACE) !== 0) same = this.oddTraces.get(spanId) === traceId;
    else {
      const t = this.traces;
      same =
        traceId.length === 32 &&
        parseHex(traceId, 4, scratch, 2) &&
        t[4 * i] === scratch[2] &&
        t[4 * i + 1] === scratch[3] &&
        t[4 * i + 2] === scratch[4] &&
        t[4 * i + 3] === scratch[5];
    }
    return !same ? OTHER_TRACE : (flags & COUNTED) !== 0 ? IS_COUNTED : NOT_COUNTED;
  }

  lookupOdd(spanId: string, traceId: string): number {
    const held = this.oddSpans.get(spanId);
    if (held === undefined) return ABSENT;
    return held.traceId !== traceId ? OTHER_TRACE : held.counted ? IS_COUNTED : NOT_COUNTED;
  }

  /** For a table key in scratch[0..1]; replaces the entry of the same span id. */
  set(spanId: string, traceId: string, counted: boolean): void {
    const hi = scratch[0]!;
    const lo = scratch[1]!;
    let i = this.probe(hi, lo);
    if ((this.keys[2 * i]! | this.keys[2 * i + 1]!) === 0) {
      if (2 * (this.tableSize + 1) > this.keys.length / 2 && this.keys.length / 2 < this.maxSlots) {
        this.grow();
        i = this.probe(hi, lo);
      }
      this.keys[2 * i] = hi;
      this.keys[2 * i + 1] = lo;
      this.tableSize++;
    } else if ((this.flags[i]! & ODD_TRACE) !== 0) this.oddTraces.delete(spanId);
    if (traceId.length === 32 && parseHex(traceId, 4, this.traces, 4 * i)) this.flags[i] = counted ? COUNTED : 0;
    else {
      this.flags[i] = counted ? COUNTED | ODD_TRACE : ODD_TRACE;
      this.oddTraces.set(spanId, traceId);
    }
  }

  setOdd(spanId: string, traceId: string, counted: boolean): void {
    this.oddSpans.set(spanId, { traceId, counted });
  }

  /** Doubles the table (load stays at most 0.5 up to maxSlots). */
  private grow(): void {
    const { keys, traces, flags } = this;
    const slots = 2 * flags.length;
    this.keys = new Int32Array(2 * slots);
    this.traces = new Int32Array(4 * slots);
    this.flags = new Uint8Array(slots);
    this.shift = 32 - Math.log2(slots);
    this.mask = slots - 1;
    for (let j = 0; j < flags.length; j++) {
      const hi = keys[2 * j]!;
      const lo = keys[2 * j + 1]!;
      if ((hi | lo) === 0) continue;
      const i = this.probe(hi, lo);
      this.keys[2 * i] = hi;
      this.keys[2 * i + 1] = lo;
      this.traces.set(traces.subarray(4 * j, 4 * j + 4), 4 * i);
      this.flags[i] = flags[j]!;
    }
  }
}

export class DecidedSpans {
  private young: Generation;
  private old: Generation;
  private readonly generationSize: number;

  /** capacity: the most span ids held at once (both generations together); at least 2. */
  constructor(capacity: number) {
    this.generationSize = Math.max(1, Math.floor(capacity / 2));
    const maxSlots = Math.max(FIRST_SLOTS, 2 ** Math.ceil(Math.log2(2 * this.generationSize)));
    // Seeded so that span ids sent to the collector cannot be picked to collide.
    const seed = (Math.random() * 2 ** 32) | 0;
    this.young = new Generation(maxSlots, seed);
    this.old = new Generation(maxSlots, seed);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  // Keyed by span id alone: a span id in two traces is a 2^-64 event (or garbage data); the
  // later one then replaces the earlier, which is forgotten.
  add(spanId: string, traceId: string, counted: boolean): void {
    if (this.young.size >= this.generationSize) {
      const recycled = this.old;
      recycled.clear();
      this.old = this.young;
      this.young = recycled;
    }
    if (parseSpanId(spanId)) this.young.set(spanId, traceId, counted);
    else this.young.setOdd(spanId, traceId, counted);
  }

  /** true: counted; false: decided and not counted; undefined: not held for this trace. */
  counted(spanId: string, traceId: string): boolean | undefined {
    const key = parseSpanId(spanId);
    let held = key ? this.young.lookup(spanId, traceId) : this.young.lookupOdd(spanId, traceId);
    if (held === ABSENT && this.old.size > 0) held = key ? this.old.lookup(spanId, traceId) : this.old.lookupOdd(spanId, traceId);
    return held === IS_COUNTED ? true : held === NOT_COUNTED ? false : undefined;
  }
}
