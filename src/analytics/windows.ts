// Time-bucketed aggregates: minute buckets for the last 48 h, hour buckets for 35 days,
// local-day buckets kept for good. Each bucket holds one Totals per series, where a series is
// (provider, request model, response model, service, agent), so any of those can be grouped.
import { addCall } from './aggregate.js';
import type { Totals } from './aggregate.js';
import type { DayCalendar } from './timezone.js';
import type { Resolution } from '../store/rows.js';
import type { PricedCall } from '../types.js';

export type { Resolution } from '../store/rows.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_RETENTION_MS = 48 * HOUR_MS;
export const HOUR_RETENTION_MS = 35 * 24 * HOUR_MS;

const SEP = '\u001f';
/** Series used once `maxSeries` distinct series exist. */
export const OVERFLOW_SERIES = ['_overflow', '_overflow', '_overflow', '_overflow', '_overflow'].join(SEP);

export interface SeriesLabels {
  provider: string;
  requestModel: string;
  responseModel: string;
  service: string;
  agent: string;
}

export function seriesKeyOf(call: PricedCall): string {
  return (call.provider ?? '') + SEP + (call.requestModel ?? '') + SEP + (call.responseModel ?? '') + SEP + call.serviceName + SEP + (call.agentName ?? '');
}

/**
 * One series and the buckets its calls went to last: calls of a series mostly fall in the
 * same minute as the one before, and then need no bucket lookup at all.
 */
interface SeriesSlot {
  key: string;
  /** Its labels ('' for none), as the call fields they come from. */
  labels: readonly [provider: string, requestModel: string, responseModel: string, service: string, agent: string];
  /** Start of the minute the cached buckets are for; NaN when there are none. */
  minute: number;
  m: Bucket | undefined;
  h: Bucket | undefined;
  d: Bucket | undefined;
}

type Trie = Map<string, Trie | SeriesSlot>;

/**
 * Finds the series of a call through nested maps of its five labels, so the hot path
 * neither concatenates nor hashes a new key string (each label string hashes once).
 */
class SeriesInterner {
  private readonly root: Trie = new Map();

  slotOf(call: PricedCall): SeriesSlot | undefined {
    const a = this.root.get(call.provider ?? '') as Trie | undefined;
    const b = a?.get(call.requestModel ?? '') as Trie | undefined;
    const c = b?.get(call.responseModel ?? '') as Trie | undefined;
    const d = c?.get(call.serviceName) as Trie | undefined;
    return d?.get(call.agentName ?? '') as SeriesSlot | undefined;
  }

  add(call: PricedCall, slot: SeriesSlot): void {
    let node = this.root;
    for (const label of [call.provider ?? '', call.requestModel ?? '', call.responseModel ?? '', call.serviceName]) {
      let next = node.get(label) as Trie | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(label, next);
      }
      node = next;
    }
    node.set(call.agentName ?? '', slot);
  }
}

export function parseSeriesKey(key: string): SeriesLabels {
  const [provider = '', requestModel = '', responseModel = '', service = '', agent = ''] = key.split(SEP);
  return { provider, requestModel, responseModel, service, agent };
}

/** One stored aggregate: a series in a bucket of one resolution. */
export interface Bucket extends Totals {
  /** Cache savings of the bucket's priced calls (USD; positive savings only, as the metric counts them). */
  cacheSavingsUsd: number;
  res: Resolution;
  /** Start in epoch ms (minute, hour) or local day number (day). */
  bucket: number;
  series: string;
  dirty: boolean;
}

/**
 * A bucket as one object literal with every field: the object keeps all of them in-object
 * (a spread of emptyTotals() kept four in it and the rest in a property array).
 */
function newBucket(res: Resolution, bucket: number, series: string): Bucket {
  return {
    calls: 0, pricedCalls: 0, errors: 0, costUsd: 0, inputTokens: 0, cacheReadTokens: 0,
    cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, durationMsSum: 0, cacheSavingsUsd: 0,
    res, bucket, series, dirty: false,
  };
}

class Level {
  readonly buckets = new Map<number, Map<string, Bucket>>();

  constructor(readonly res: Resolution) {}

  /** The bucket of `series` at `bucket`, created empty (and clean) when missing. */
  get(bucket: number, series: string): Bucket {
    let m = this.buckets.get(bucket);
    if (m === undefined) {
      m = new Map();
      this.buckets.set(bucket, m);
    }
    let b = m.get(series);
    if (b === undefined) {
      b = newBucket(this.res, bucket, series);
      m.set(series, b);
    }
    return b;
  }

  pruneBefore(bucket: number): void {
    for (const key of this.buckets.keys()) if (key < bucket) this.buckets.delete(key);
  }

  /**
   * Buckets in [from, to), in bucket then series order: a fixed summation order, so sums are
   * bit-identical before and after a restart (which reloads buckets in another order).
   */
  *range(from: number, to: number): Iterable<Bucket> {
    const keys: number[] = [];
    for (const key of this.buckets.keys()) if (key >= from && key < to) keys.push(key);
    keys.sort((a, b) => a - b);
    for (const key of keys) {
      const m = this.buckets.get(key) as Map<string, Bucket>;
      if (m.size === 1) {
        yield* m.values();
        continue;
      }
      const series = [...m.keys()].sort();
      for (const s of series) yield m.get(s) as Bucket;
    }
  }
}

const OVERFLOW_LABELS = ['_overflow', '_overflow', '_overflow', '_overflow', '_overflow'] as const;

/** Series checked by label before the trie: a batch of calls mostly has a few series. */
const RECENT = 8;

export class TimeWindows {
  private readonly levels: Record<Resolution, Level> = { m: new Level('m'), h: new Level('h'), d: new Level('d') };
  private readonly series = new Set<string>();
  private readonly interner = new SeriesInterner();
  /** Slots by series key (several label tuples share the overflow series). */
  private readonly slots = new Map<string, SeriesSlot>();
  private dirty: Bucket[] = [];
  /** The last RECENT series found through the trie (overflow excluded), replaced round-robin. */
  private readonly recent: SeriesSlot[] = [];
  private nextRecent = 0;

  constructor(
    readonly calendar: DayCalendar,
    private readonly maxSeries = 5000,
  ) {}

  private slotFor(call: PricedCall): SeriesSlot {
    // Comparing a few short strings costs less than hashing them (each call's are new strings).
    const provider = call.provider ?? '';
    const requestModel = call.requestModel ?? '';
    const responseModel = call.responseModel ?? '';
    const agent = call.agentName ?? '';
    const recent = this.recent;
    for (let k = 0; k < recent.length; k++) {
      const l = recent[k]!.labels;
      if (l[1] === requestModel && l[2] === responseModel && l[0] === provider && l[3] === call.serviceName && l[4] === agent) return recent[k]!;
    }
    const slot = this.internedSlotFor(call);
    if (slot.key !== OVERFLOW_SERIES) {
      recent[this.nextRecent] = slot;
      this.nextRecent = (this.nextRecent + 1) % RECENT;
    }
    return slot;
  }

  private internedSlotFor(call: PricedCall): SeriesSlot {
    const known = this.interner.slotOf(call);
    if (known !== undefined) return known;
    const key = seriesKeyOf(call);
    // Label sets past the bound are not interned, so hostile labels cannot grow the trie.
    if (!this.series.has(key) && this.series.size >= this.maxSeries) return this.slotOfKey(OVERFLOW_SERIES, OVERFLOW_LABELS);
    this.series.add(key);
    const slot = this.slotOfKey(key, [call.provider ?? '', call.requestModel ?? '', call.responseModel ?? '', call.serviceName, call.agentName ?? '']);
    this.interner.add(call, slot);
    return slot;
  }

  /** labels: of the call that makes the slot, if it is made now. */
  private slotOfKey(key: string, labels: SeriesSlot['labels']): SeriesSlot {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = { key, labels, minute: Number.NaN, m: undefined, h: undefined, d: undefined };
      this.slots.set(key, slot);
    }
    return slot;
  }

  add(ts: number, call: PricedCall, durationMs: number): void {
    const slot = this.slotFor(call);
    const minute = ts - (ts % MINUTE_MS);
    // A minute lies within one hour and one local day (zone offsets are whole minutes).
    if (minute !== slot.minute) {
      slot.m = this.levels.m.get(minute, slot.key);
      slot.h = this.levels.h.get(ts - (ts % HOUR_MS), slot.key);
      slot.d = this.levels.d.get(this.calendar.dayNumber(ts), slot.key);
      slot.minute = minute;
    }
    const m = slot.m as Bucket;
    const h = slot.h as Bucket;
    const d = slot.d as Bucket;
    if (!m.dirty) this.markDirty(m);
    if (!h.dirty) this.markDirty(h);
    if (!d.dirty) this.markDirty(d);
    addCall(m, call, durationMs);
    addCall(h, call, durationMs);
    addCall(d, call, durationMs);
    const savings = call.cacheSavingsUsd;
    // Counted like llm.cost.cache_savings.usd: priced calls, positive savings only.
    if (call.priced && call.costUsd !== undefined && savings !== undefined && savings > 0) {
      m.cacheSavingsUsd += savings;
      h.cacheSavingsUsd += savings;
      d.cacheSavingsUsd += savings;
    }
  }

  private markDirty(b: Bucket): void {
    b.dirty = true;
    this.dirty.push(b);
  }

  /** Loads a persisted bucket (absolute values). */
  restore(row: Totals & { cacheSavingsUsd: number; res: Resolution; bucket: number; series: string }): void {
    this.series.add(row.series);
    Object.assign(this.levels[row.res].get(row.bucket, row.series), row, { dirty: false });
  }

  /** Buckets changed since the last call (for the store); clears their dirty marks. */
  takeDirty(): Bucket[] {
    const out = this.dirty;
    this.dirty = [];
    for (const b of out) b.dirty = false;
    return out;
  }

  /** Gives buckets back after a failed write, so the next flush retries them. */
  returnDirty(buckets: Bucket[]): void {
    for (const b of buckets) {
      if (!b.dirty) {
        b.dirty = true;
        this.dirty.push(b);
      }
    }
  }

  prune(nowMs: number): void {
    this.levels.m.pruneBefore(nowMs - MINUTE_RETENTION_MS);
    this.levels.h.pruneBefore(nowMs - HOUR_RETENTION_MS);
    // A cached bucket may be one just dropped: the next call looks its buckets up again.
    for (const slot of this.slots.values()) slot.minute = Number.NaN;
  }

  /** Buckets of one resolution with from <= key < to. */
  range(res: Resolution, from: number, to: number): Iterable<Bucket> {
    return this.levels[res].range(from, to);
  }
}
