// Builds ledger blocks (format: ledger-format.ts). Calls are added one by one into reused
// columns; finish() packs them into one buffer and starts the next block. Bad data never
// fails a write (a failing flush would be retried forever): it is coerced, by the same rules
// schema 1 applied to its ledger rows.
import type { PricedCall } from '../types.js';
import type { LedgerRow, PendingCall } from './ledger-call.js';
import { FIELD, FIELD_COUNT, FORMAT_VERSION, HEADER_BYTES } from './ledger-format.js';
import { packedSize, planColumn, writeColumn } from './packed-column.js';
import { SqliteSum } from './sqlite-sum.js';
import { FieldStringRefs } from './field-string-refs.js';
import { writeStrings } from './string-table.js';
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
 * is exact), except that the session and model references are renumbered from 1 over just those
 * strings (sessionInputString()).
 */
export interface BlockSessionInputs {
  columns: SessionColumns;
  /**
   * The strings joined: one string object per block rather than one per session waits for the
   * flush (each survived scavenges and was promoted). Reference r is text.slice(ends[r - 1], ends[r]).
   */
  text: string;
  ends: Uint32Array;
}

/** The string reference `ref` (>= 1) of a block's session inputs stands for. */
export function sessionInputString(inputs: BlockSessionInputs, ref: number): string {
  return inputs.text.slice(inputs.ends[ref - 1], inputs.ends[ref]);
}

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
  /** The block's strings, numbered from 1 (0 is null). */
  private readonly strings = new FieldStringRefs(FIELD_COUNT);
  /**
   * The strings the session tail reads (sessions, models), each once: reference r is
   * keptStrings[kept[r] - 1] (kept[r] is 0 for another string).
   */
  private kept = new Int32Array(1025);
  private keptStrings: string[] = [];
  /** The columns (views of `values`), number of strings and kept strings of the last finished block. */
  private lastColumns: Float64Array[] = [];
  private lastKept = new Int32Array(1025);
  private lastStringCount = 0;
  private lastKeptStrings: string[] = [];

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
    // str() and ref() of the usual string or undefined are spelled out (calls cost here).
    let s: unknown = call.traceId;
    const traceId = this.strings.ref(F.traceId, typeof s === 'string' ? s : str(s) ?? '');
    s = call.spanId;
    const spanId = this.strings.ref(F.spanId, typeof s === 'string' ? s : str(s) ?? '');
    s = call.sessionId;
    const sessionId = s === undefined ? 0 : this.strings.ref(F.sessionId, typeof s === 'string' ? s : str(s));
    s = call.userId;
    const userId = s === undefined ? 0 : this.strings.ref(F.userId, typeof s === 'string' ? s : str(s));
    s = call.provider;
    const provider = s === undefined ? 0 : this.strings.ref(F.provider, typeof s === 'string' ? s : str(s));
    s = call.requestModel;
    const requestModel = s === undefined ? 0 : this.strings.ref(F.requestModel, typeof s === 'string' ? s : str(s));
    s = call.responseModel;
    const responseModel = s === undefined ? 0 : this.strings.ref(F.responseModel, typeof s === 'string' ? s : str(s));
    s = call.operation;
    const operation = s === undefined ? 0 : this.strings.ref(F.operation, typeof s === 'string' ? s : str(s));
    s = call.serviceName;
    const service = this.strings.ref(F.service, typeof s === 'string' ? s : str(s) ?? 'unknown_service');
    s = call.agentName;
    const agent = s === undefined ? 0 : this.strings.ref(F.agent, typeof s === 'string' ? s : str(s));
    s = call.error;
    const error = s === undefined ? 0 : this.strings.ref(F.error, typeof s === 'string' ? s : str(s));
    const dimensions = dims !== undefined && dims !== null && hasOwnKeys(dims) ? this.strings.ref(F.dimensions, JSON.stringify(dims)) : 0;
    this.keep(sessionId, requestModel, responseModel);
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
    v[F.traceId * cap + i] = this.strings.ref(F.traceId, r.traceId);
    v[F.spanId * cap + i] = this.strings.ref(F.spanId, r.spanId);
    const sessionId = this.strings.ref(F.sessionId, r.sessionId);
    v[F.sessionId * cap + i] = sessionId;
    v[F.userId * cap + i] = this.strings.ref(F.userId, r.userId);
    v[F.provider * cap + i] = this.strings.ref(F.provider, r.provider);
    const requestModel = this.strings.ref(F.requestModel, r.requestModel);
    v[F.requestModel * cap + i] = requestModel;
    const responseModel = this.strings.ref(F.responseModel, r.responseModel);
    v[F.responseModel * cap + i] = responseModel;
    this.keep(sessionId, requestModel, responseModel);
    v[F.operation * cap + i] = this.strings.ref(F.operation, r.operation);
    v[F.service * cap + i] = this.strings.ref(F.service, r.service);
    v[F.agent * cap + i] = this.strings.ref(F.agent, r.agent);
    v[F.error * cap + i] = this.strings.ref(F.error, r.error);
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
    v[F.dimensions * cap + i] = this.strings.ref(F.dimensions, r.dimensions);
  }

  /** Packs the calls added since the last finish() into one block, and starts a new one. */
  finish(): EncodedBlock {
    const n = this.n;
    const columns: Float64Array[] = [];
    for (let f = 0; f < FIELD_COUNT; f++) columns.push(this.values.subarray(f * this.capacity, f * this.capacity + n));
    const plans = columns.map(planColumn);
    const table = this.strings.pack();
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
    // The kept references of the last block become those of this one; its array is reused, cleared.
    const kept = this.lastKept;
    kept.fill(0, 0, this.lastStringCount + 1);
    this.lastKept = this.kept;
    this.lastStringCount = this.strings.count;
    this.lastKeptStrings = this.keptStrings;
    this.kept = kept.length >= this.kept.length ? kept : new Int32Array(this.kept.length);
    this.reset();
    return block;
  }

  /**
   * The session inputs of the block finish() just returned, copied out of the reused columns;
   * call before the next add. Saves the session tail decoding a block it was handed in memory.
   */
  sessionInputs(): BlockSessionInputs {
    const columns = sessionColumns((f) => this.lastColumns[f]!.slice());
    // Only the strings the tail reads (sessions, models), renumbered in the copied columns: a
    // block waiting for the flush then keeps no trace or span ids alive (strings held that long
    // are promoted to the old generation, which made the collector's scavenges slower).
    const kept = this.lastKept;
    const keptStrings = this.lastKeptStrings;
    const renumbered = new Int32Array(kept.length);
    const strings: string[] = [];
    for (const column of [columns.session, columns.requestModel, columns.responseModel]) {
      for (let i = 0; i < column.length; i++) {
        const ref = column[i]!;
        if (ref === 0) continue;
        let local = renumbered[ref]!;
        if (local === 0) {
          local = strings.push(keptStrings[kept[ref]! - 1]!);
          renumbered[ref] = local;
        }
        column[i] = local;
      }
    }
    const ends = new Uint32Array(strings.length + 1);
    for (let j = 0; j < strings.length; j++) ends[j + 1] = ends[j]! + strings[j]!.length;
    return { columns, text: strings.join(''), ends };
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

  /** Drops the calls added since the last finish() (after a failure). */
  discard(): void {
    this.kept.fill(0, 0, this.strings.count + 1);
    this.reset();
  }

  /** Starts a new block. */
  private reset(): void {
    this.n = 0;
    this.keptStrings = [];
    this.strings.reset();
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

  /**
   * Keeps the strings of a call's session and model references (just returned by ref(), so
   * each field's last string) for sessionInputs(), those not kept yet.
   */
  private keep(session: number, requestModel: number, responseModel: number): void {
    if (this.strings.count >= this.kept.length) this.growKept();
    const kept = this.kept;
    if (kept[session] === 0 && session !== 0) kept[session] = this.keptStrings.push(this.strings.last(F.sessionId)!);
    if (kept[requestModel] === 0 && requestModel !== 0) kept[requestModel] = this.keptStrings.push(this.strings.last(F.requestModel)!);
    if (kept[responseModel] === 0 && responseModel !== 0) kept[responseModel] = this.keptStrings.push(this.strings.last(F.responseModel)!);
  }

  /** Makes room in `kept` for every reference of the block. */
  private growKept(): void {
    const kept = new Int32Array(2 * Math.max(this.kept.length, this.strings.count));
    kept.set(this.kept);
    this.kept = kept;
  }
}
