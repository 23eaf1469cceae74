// Reads a ledger block (format: ledger-format.ts) lazily: a column or the string table is
// decoded on first use, so a scan that only needs timestamps or sessions decodes only those.
import type { LedgerCall, LedgerRow } from './ledger-call.js';
import { FIELD, FIELD_COUNT, FORMAT_VERSION, HEADER_BYTES } from './ledger-format.js';
import { readColumn, skipColumn } from './packed-column.js';
import { readStrings, skipStrings } from './string-table.js';

// A module-level copy: under some loaders (tsx) each use of an imported binding is a getter call.
const F = FIELD;

function nullable(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

function cell(columns: Float64Array[], field: number, i: number): number {
  return (columns[field] as Float64Array)[i] as number;
}

function parseDimensions(json: string | null): Record<string, string> {
  return json === null ? {} : (JSON.parse(json) as Record<string, string>);
}

export class LedgerBlockReader {
  readonly count: number;
  private readonly data: Buffer;
  private readonly view: DataView;
  private readonly columnAt: number[] = [];
  private readonly columns: (Float64Array | undefined)[] = new Array<Float64Array | undefined>(FIELD_COUNT);
  /** Index 0 is null, k the k-th string. */
  private table: (string | null)[] | undefined;

  constructor(data: Uint8Array) {
    this.data = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.view = view;
    const version = data.byteLength > 0 ? view.getUint8(0) : -1;
    if (version !== FORMAT_VERSION) throw new Error(`unknown ledger block format ${version} (this otel-llm-cost reads format ${FORMAT_VERSION})`);
    this.count = view.getUint32(1, true);
    let at = skipStrings(view, HEADER_BYTES);
    for (let f = 0; f < FIELD_COUNT; f++) {
      this.columnAt.push(at);
      at = skipColumn(view, at, this.count);
    }
    if (at !== data.byteLength) throw new Error(`corrupt ledger block (${data.byteLength} bytes, layout says ${at})`);
  }

  /** One field of every call (FIELD order); string fields hold references, see refOf(). */
  column(field: number): Float64Array {
    let c = this.columns[field];
    if (c === undefined) {
      c = readColumn(this.view, this.columnAt[field] as number, this.count);
      this.columns[field] = c;
    }
    return c;
  }

  /** The reference of `s` in this block's string table, or -1 when no call has it. */
  refOf(s: string): number {
    return this.strings().indexOf(s, 1);
  }

  row(i: number): LedgerRow {
    return this.build(i, (json) => json);
  }

  call(i: number): LedgerCall {
    return this.build(i, parseDimensions);
  }

  private build<D>(i: number, dimensions: (json: string | null) => D): Omit<LedgerRow, 'dimensions'> & { dimensions: D } {
    const s = this.strings();
    const v = this.allColumns();
    return {
      tsMs: cell(v, F.tsMs, i),
      traceId: s[cell(v, F.traceId, i)] as string,
      spanId: s[cell(v, F.spanId, i)] as string,
      sessionId: s[cell(v, F.sessionId, i)] ?? null,
      userId: s[cell(v, F.userId, i)] ?? null,
      provider: s[cell(v, F.provider, i)] ?? null,
      requestModel: s[cell(v, F.requestModel, i)] ?? null,
      responseModel: s[cell(v, F.responseModel, i)] ?? null,
      operation: s[cell(v, F.operation, i)] ?? null,
      service: s[cell(v, F.service, i)] as string,
      agent: s[cell(v, F.agent, i)] ?? null,
      error: s[cell(v, F.error, i)] ?? null,
      priced: cell(v, F.priced, i) === 1,
      costUsd: nullable(cell(v, F.costUsd, i)),
      inputCost: nullable(cell(v, F.inputCost, i)),
      cacheReadCost: nullable(cell(v, F.cacheReadCost, i)),
      cacheWriteCost: nullable(cell(v, F.cacheWriteCost, i)),
      outputCost: nullable(cell(v, F.outputCost, i)),
      reasoningCost: nullable(cell(v, F.reasoningCost, i)),
      inputTokens: cell(v, F.inputTokens, i),
      cacheReadTokens: cell(v, F.cacheReadTokens, i),
      cacheWriteTokens: cell(v, F.cacheWriteTokens, i),
      outputTokens: cell(v, F.outputTokens, i),
      reasoningTokens: cell(v, F.reasoningTokens, i),
      durationMs: cell(v, F.durationMs, i),
      dimensions: dimensions(s[cell(v, F.dimensions, i)] ?? null),
    };
  }

  private allColumns(): Float64Array[] {
    const all: Float64Array[] = [];
    for (let f = 0; f < FIELD_COUNT; f++) all.push(this.column(f));
    return all;
  }

  /** The block's strings by reference: index 0 is null, k the k-th string. */
  strings(): readonly (string | null)[] {
    this.table ??= [null, ...readStrings(this.data, this.view, HEADER_BYTES)];
    return this.table;
  }
}
