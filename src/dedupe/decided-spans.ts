// The LLM spans already decided, each with its trace id and whether it was counted, so that
// a child ending after its counted parent is not counted again, and so that a span re-sent by
// an exporter (the collector) gets its first verdict again. Bounded like BoundedIdSet: two
// generations, the older dropped whole (its table cleared and reused) when the younger fills.
//
// A generation is an open-addressing hash table in typed arrays, not a Map of id strings: no
// id string is kept alive (promoted to old space) by the memory. The key is the 64-bit span id
// parsed from its 16 lower-case hex characters, the value the 128-bit trace id (32 lower-case
// hex characters) and a counted flag. The mapping is exact both ways, so there are no false
// positives. Ids of any other shape (upper-case, other lengths, an all-zero span id) take a
// small Map path in the same generation: a span id lives in exactly one place per generation,
// decided by its own shape.
//
// The memory is larger than the CPU's cache, and a lookup is nearly always a miss, in both
// generations. So each slot also has a 16-bit tag in an array of its own (a quarter of a MB
// per generation for 100k ids, far more likely to be cached than the slots): occupied, 13 bits
// of the key's hash, the flags. A probe walks the tags and reads a slot's key only when its
// tag matches, so a miss almost never touches the slots, and an insert writes one slot, key
// and trace id side by side.

import { parseHex } from './hex-words.js';

const COUNTED = 1;
/** The trace id is not 32 lower-case hex characters: it is in `oddTraces`, keyed by span id. */
const ODD_TRACE = 2;
const FLAGS = COUNTED | ODD_TRACE;
const OCCUPIED = 0x8000;
const FINGERPRINT = 0x7ffc;
const FIRST_SLOTS = 16;
/** Int32 words per slot: span id hi, lo; trace id in four words. */
const WORDS = 6;

/** The parsed span id of the current call (hi, lo); trace id words follow when parsed. */
const scratch = new Int32Array(6);
/** The span id scratch[0..1] holds the parse of, and whether it parsed (add() after counted() parses once). */
let parsedSpanId: string | undefined;
let parsedOk = false;

/** true when spanId is a table key, then parsed into scratch[0..1]. */
function parseSpanId(spanId: string): boolean {
  if (spanId === parsedSpanId) return parsedOk;
  parsedOk = spanId.length === 16 && parseHex(spanId, 2, scratch, 0) && (scratch[0]! | scratch[1]!) !== 0;
  parsedSpanId = spanId;
  return parsedOk;
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
  /** Per slot: 0 when empty, else OCCUPIED | fingerprint | flags. */
  private tags = new Uint16Array(FIRST_SLOTS);
  /** Per slot, WORDS words: span id hi, lo, then the trace id. */
  private slots = new Int32Array(WORDS * FIRST_SLOTS);
  private shift = 32 - Math.log2(FIRST_SLOTS);
  private mask = FIRST_SLOTS - 1;
  private tableSize = 0;
  /** Hash of the last probe: its home slot and its tag bits. */
  private home = 0;
  private fingerprint = 0;
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
    if (this.tableSize > 0) this.tags.fill(0);
    this.tableSize = 0;
    if (this.oddSpans.size > 0) this.oddSpans.clear();
    if (this.oddTraces.size > 0) this.oddTraces.clear();
  }

  /** Sets home and fingerprint for span id (hi, lo). */
  private hash(hi: number, lo: number): void {
    const h = Math.imul(hi ^ this.seed, 0x9e3779b1) ^ lo;
    const m = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    this.home = m >>> this.shift;
    this.fingerprint = (Math.imul(m ^ (m >>> 13), 0xc2b2ae35) >>> 17) & FINGERPRINT;
  }

  /** The slot holding span id (hi, lo), or ~slot of the empty slot where it would go (linear probing). */
  private probe(hi: number, lo: number): number {
    this.hash(hi, lo);
    const tags = this.tags;
    const slots = this.slots;
    const fingerprint = this.fingerprint;
    let i = this.home;
    for (;;) {
      const tag = tags[i]!;
      if (tag === 0) return ~i;
      if ((tag & FINGERPRINT) === fingerprint && slots[WORDS * i] === hi && slots[WORDS * i + 1] === lo) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** For a table key in scratch[0..1]. */
  lookup(spanId: string, traceId: string): number {
    const i = this.probe(scratch[0]!, scratch[1]!);
    if (i < 0) return ABSENT;
    const flags = this.tags[i]! & FLAGS;
    let same: boolean;
    if ((flags & ODD_TRACE) !== 0) same = this.oddTraces.get(spanId) === traceId;
    else {
      const t = this.slots;
      const at = WORDS * i + 2;
      same =
        traceId.length === 32 &&
        parseHex(traceId, 4, scratch, 2) &&
        t[at] === scratch[2] &&
        t[at + 1] === scratch[3] &&
        t[at + 2] === scratch[4] &&
        t[at + 3] === scratch[5];
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
    if (i < 0) {
      if (2 * (this.tableSize + 1) > this.tags.length && this.tags.length < this.maxSlots) {
        this.grow();
        i = this.probe(hi, lo);
      }
      i = ~i;
      this.slots[WORDS * i] = hi;
      this.slots[WORDS * i + 1] = lo;
      this.tableSize++;
    } else if ((this.tags[i]! & ODD_TRACE) !== 0) this.oddTraces.delete(spanId);
    let flags = counted ? COUNTED : 0;
    if (traceId.length !== 32 || !parseHex(traceId, 4, this.slots, WORDS * i + 2)) {
      flags |= ODD_TRACE;
      this.oddTraces.set(spanId, traceId);
    }
    this.tags[i] = OCCUPIED | this.fingerprint | flags;
  }

  setOdd(spanId: string, traceId: string, counted: boolean): void {
    this.oddSpans.set(spanId, { traceId, counted });
  }

  /** Doubles the table (load stays at most 0.5 up to maxSlots). */
  private grow(): void {
    const { tags, slots } = this;
    const size = 2 * tags.length;
    this.tags = new Uint16Array(size);
    this.slots = new Int32Array(WORDS * size);
    this.shift = 32 - Math.log2(size);
    this.mask = size - 1;
    for (let j = 0; j < tags.length; j++) {
      if (tags[j] === 0) continue;
      const i = ~this.probe(slots[WORDS * j]!, slots[WORDS * j + 1]!);
      this.slots.set(slots.subarray(WORDS * j, WORDS * j + WORDS), WORDS * i);
      this.tags[i] = tags[j]!;
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
