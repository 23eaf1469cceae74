// Builds ledger blocks (format: ledger-format.ts). Calls are added one by one into reused
// columns; finish() packs them into one buffer and starts the next block. Bad data never
// fails a write (a failing flush would be retried forever): it is coerced, by the same rules
// schema 1 applied to its ledger rows.
import type { PricedCall } from '../types.js';
import type { LedgerRow, PendingCall } from './ledger-call.js';
import { FIELD, FIELD_COUNT, FORMAT_VERSION, HEADER_BYTES } from './ledger-format.js';
import { packedSize, planColumn, writeColumn } from './packed-column.js';
import { SqliteSum } from './sqlite-sum.js';
import { packStrings, writeStrings } from './string-table.js';
import { sessionColumns } from './session-delta.js';
import type { SessionColumns } from './session-delta.js';

export interface EncodedBlock {
  /** Valid until the next finish(): the writer reuses its buffer (copy it to keep it). */
  data: Buffer;
  calls: number;
  /** Smallest and largest call timestamp. */
  firstMs: number;
  lastMs: number;
  /** SUM of the calls' costUsd as SQLite computes it (0 when none is priced). */
  costUsd: number;
}

/**
 * A block's session inputs as the writer held them: the columns a reader would decode (packing
 * is exact), except that the session and model references index `strings` (r is strings[r - 1]),
 * which holds just those strings.
 */
export interface BlockSessionInputs {
  columns: SessionColumns;
  strings: readonly string[];
}

const UNIQUE_AFTER = 64;
// A module-level copy: under some loaders (tsx) each use of an imported binding is a getter call.
const F = FIELD;

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : v === undefined || v === null ? null : String(v);
}

/** A finite number, else NaN (the stored null). */
function real(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : NaN;
}

/** A finite number, else 0. */
function realOr0(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function hasOwnKeys(o: object): boolean {
  for (const key in o) if (Object.hasOwn(o, key)) return true;
  return false;
}

function nullToNaN(v: number | null): number {
  return v === null ? NaN : v;
}

export class LedgerBlockWriter {
  /** Column-major: field f of call i at f * capacity + i. */
  private values: Float64Array;
  private capacity: number;
  private n = 0;
  /** Reused for every block: written, then copied by SQLite at once (no large allocation per block). */
  private scratch = Buffer.alloc(0);
  private strings: string[] = [];
  /** The columns (views of `values`) and strings of the last finished block. */
  private lastColumns: Float64Array[] = [];
  private lastStrings: string[] = [];
  private readonly refs = new Map<string, number>();
  /** Per field, the last string referenced and its reference: runs of equal values skip the map. */
  private readonly lastString: (string | undefined)[] = new Array<string | undefined>(FIELD_COUNT).fill(undefined);
  private readonly lastRef = new Float64Array(FIELD_COUNT);
  /**
   * Per field, lookups and misses of the map in this block. A field whose first UNIQUE_AFTER
   * lookups (almost) all missed holds ids (trace, session): its strings are then appended
   * without the map, as duplicates if they repeat.
   */
  private readonly lookups = new Int32Array(FIELD_COUNT);
  private readonly misses = new Int32Array(FIELD_COUNT);
  private readonly appendOnly = new Uint8Array(FIELD_COUNT);

  constructor(capacity = 1024) {
    this.capacity = Math.max(1, capacity);
    this.values = new Float64Array(FIELD_COUNT * this.capacity);
  }

  /** Calls added since the last finish(). */
  get count(): number {
    return this.n;
  }

  addPending({ ts, durationMs, call }: PendingCall): void {
    this.addCall(ts, durationMs, call);
  }

  /** Adds a recorded call (coerced). A call that throws while read leaves no row behind. */
  addCall(ts: number, durationMs: number, call: PricedCall): void {
    const c = call.costs;
    const k = call.tokens;
    const dims = call.dimensions;
    const priced = call.priced;
    // Strings first: they are what can throw (String() of an odd value), before a row is taken.
    const traceId = this.ref(F.traceId, str(call.traceId) ?? '');
    const spanId = this.ref(F.spanId, str(call.spanId) ?? '');
    const sessionId = this.ref(F.sessionId, str(call.sessionId));
    const userId = this.ref(F.userId, str(call.userId));
    const provider = this.ref(F.provider, str(call.provider));
    const requestModel = this.ref(F.requestModel, str(call.requestModel));
    const responseModel = this.ref(F.responseModel, str(call.responseModel));
    const operation = this.ref(F.operation, str(call.operation));
    const service = this.ref(F.service, str(call.serviceName) ?? 'unknown_service');
    const agent = this.ref(F.agent, str(call.agentName));
    const error = this.ref(F.error, str(call.error));
    const dimensions = this.ref(F.dimensions, dims !== undefined && dims !== null && hasOwnKeys(dims) ? JSON.stringify(dims) : null);
    const i = this.next();
    const v = this.values;
    const cap = this.capacity;
    v[i] = ts;
    v[F.traceId * cap + i] = traceId;
    v[F.spanId * cap + i] = spanId;
    v[F.sessionId * cap + i] = sessionId;
    v[F.userId * cap + i] = userId;
    v[F.provider * cap + i] = provider;
    v[F.requestModel * cap + i] = requestModel;
    v[F.responseModel * cap + i] = responseModel;
    v[F.operation * cap + i] = operation;
    v[F.service * cap + i] = service;
    v[F.agent * cap + i] = agent;
    v[F.error * cap + i] = error;
    v[F.priced * cap + i] = priced ? 1 : 0;
    v[F.costUsd * cap + i] = priced ? real(call.costUsd) : NaN;
    v[F.inputCost * cap + i] = real(c?.input);
    v[F.cacheReadCost * cap + i] = real(c?.cacheRead);
    v[F.cacheWriteCost * cap + i] = real(c?.cacheWrite);
    v[F.outputCost * cap + i] = real(c?.output);
    v[F.reasoningCost * cap + i] = real(c?.reasoning);
    v[F.inputTokens * cap + i] = realOr0(k?.input);
    v[F.cacheReadTokens * cap + i] = realOr0(k?.cacheRead);
    v[F.cacheWriteTokens * cap + i] = realOr0(k?.cacheWrite);
    v[F.outputTokens * cap + i] = realOr0(k?.output);
    v[F.reasoningTokens * cap + i] = realOr0(k?.reasoning);
    v[F.durationMs * cap + i] = realOr0(durationMs);
    v[F.dimensions * cap + i] = dimensions;
  }

  /** Adds a call as stored (rewriting or converting blocks): no coercion. */
  addRow(r: LedgerRow): void {
    const i = this.next();
    const v = this.values;
    const cap = this.capacity;
    v[i] = r.tsMs;
    v[F.traceId * cap + i] = this.ref(F.traceId, r.traceId);
    v[F.spanId * cap + i] = this.ref(F.spanId, r.spanId);
    v[F.sessionId * cap + i] = this.ref(F.sessionId, r.sessionId);
    v[F.userId * cap + i] = this.ref(F.userId, r.userId);
    v[F.provider * cap + i] = this.ref(F.provider, r.provider);
    v[F.requestModel * cap + i] = this.ref(F.requestModel, r.requestModel);
    v[F.responseModel * cap + i] = this.ref(F.responseModel, r.responseModel);
    v[F.operation * cap + i] = this.ref(F.operation, r.operation);
    v[F.service * cap + i] = this.ref(F.service, r.service);
    v[F.agent * cap + i] = this.ref(F.agent, r.agent);
    v[F.error * cap + i] = this.ref(F.error, r.error);
    v[F.priced * cap + i] = r.priced ? 1 : 0;
    v[F.costUsd * cap + i] = nullToNaN(r.costUsd);
    v[F.inputCost * cap + i] = nullToNaN(r.inputCost);
    v[F.cacheReadCost * cap + i] = nullToNaN(r.cacheReadCost);
    v[F.cacheWriteCost * cap + i] = nullToNaN(r.cacheWriteCost);
    v[F.outputCost * cap + i] = nullToNaN(r.outputCost);
    v[F.reasoningCost * cap + i] = nullToNaN(r.reasoningCost);
    v[F.inputTokens * cap + i] = r.inputTokens;
    v[F.cacheReadTokens * cap + i] = r.cacheReadTokens;
    v[F.cacheWriteTokens * cap + i] = r.cacheWriteTokens;
    v[F.outputTokens * cap + i] = r.outputTokens;
    v[F.reasoningTokens * cap + i] = r.reasoningTokens;
    v[F.durationMs * cap + i] = r.durationMs;
    v[F.dimensions * cap + i] = this.ref(F.dimensions, r.dimensions);
  }

  /** Packs the calls added since the last finish() into one block, and starts a new one. */
  finish(): EncodedBlock {
    const n = this.n;
    const columns: Float64Array[] = [];
    for (let f = 0; f < FIELD_COUNT; f++) columns.push(this.values.subarray(f * this.capacity, f * this.capacity + n));
    const plans = columns.map(planColumn);
    const table = packStrings(this.strings);
    let size = HEADER_BYTES + table.size;
    for (const p of plans) size += packedSize(p, n);

    if (this.scratch.length < size) this.scratch = Buffer.allocUnsafe(Math.max(size, 2 * this.scratch.length));
    const data = this.scratch.subarray(0, size);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    view.setUint8(0, FORMAT_VERSION);
    view.setUint32(1, n, true);
    let at = writeStrings(data, view, HEADER_BYTES, table);
    for (let f = 0; f < FIELD_COUNT; f++) at = writeColumn(view, at, columns[f] as Float64Array, plans[f]!);

    const block = { data, calls: n, ...this.summary(columns[F.tsMs] as Float64Array, columns[F.costUsd] as Float64Array) };
    this.lastColumns = columns;
    this.lastStrings = this.strings;
    this.discard();
    return block;
  }

  /**
   * The session inputs of the block finish() just returned, copied out of the reused columns;
   * call before the next add. Saves the session tail decoding a block it was handed in memory.
   */
  sessionInputs(): BlockSessionInputs {
    const all = this.lastStrings;
    const columns = sessionColumns((f) => this.lastColumns[f]!.slice());
    // Only the strings the tail reads (sessions, models), renumbered in the copied columns: a
    // block waiting for the flush then keeps no trace or span ids alive (strings held that long
    // are promoted to the old generation, which made the collector's scavenges slower).
    const renumbered = new Int32Array(all.length + 1);
    const strings: string[] = [];
    for (const column of [columns.session, columns.requestModel, columns.responseModel]) {
      for (let i = 0; i < column.length; i++) {
        const ref = column[i]!;
        if (ref === 0) continue;
        let local = renumbered[ref]!;
        if (local === 0) {
          local = strings.push(all[ref - 1]!);
          renumbered[ref] = local;
        }
        column[i] = local;
      }
    }
    return { columns, strings };
  }

  private summary(ts: Float64Array, cost: Float64Array): { firstMs: number; lastMs: number; costUsd: number } {
    let firstMs = Infinity;
    let lastMs = -Infinity;
    const sum = new SqliteSum();
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i] as number;
      if (t < firstMs) firstMs = t;
      if (t > lastMs) lastMs = t;
      const c = cost[i] as number;
      if (!Number.isNaN(c)) sum.add(c);
    }
    return { firstMs, lastMs, costUsd: sum.value() ?? 0 };
  }

  /** Drops the calls added since the last finish() (after a failure; finish() calls it too). */
  discard(): void {
    this.n = 0;
    this.strings = [];
    this.refs.clear();
    this.lastString.fill(undefined);
    this.lookups.fill(0);
    this.misses.fill(0);
    this.appendOnly.fill(0);
  }

  /** The index of a new call, growing the columns when full. */
  private next(): number {
    if (this.n === this.capacity) {
      const grown = new Float64Array(FIELD_COUNT * this.capacity * 2);
      for (let f = 0; f < FIELD_COUNT; f++) grown.set(this.values.subarray(f * this.capacity, (f + 1) * this.capacity), f * this.capacity * 2);
      this.values = grown;
      this.capacity *= 2;
    }
    return this.n++;
  }

  private ref(field: number, s: string | null): number {
    if (s === null) return 0;
    if (s === this.lastString[field]) return this.lastRef[field] as number;
    let r: number | undefined;
    if (this.appendOnly[field] === 1) {
      r = this.strings.push(s);
    } else {
      r = this.refs.get(s);
      if (r === undefined) {
        r = this.strings.push(s);
        this.refs.set(s, r);
        this.misses[field] = (this.misses[field] as number) + 1;
      }
      const lookups = (this.lookups[field] as number) + 1;
      this.lookups[field] = lookups;
      if (lookups === UNIQUE_AFTER && (this.misses[field] as number) >= UNIQUE_AFTER - 2) this.appendOnly[field] = 1;
    }
    this.lastString[field] = s;
    this.lastRef[field] = r;
    return r;
  }
}
