// Reads a ledger block (format: ledger-format.ts) lazily: a column or the string table is
// decoded on first use, so a scan that only needs timestamps or sessions decodes only those.
import type { LedgerCall, LedgerRow } from './ledger-call.js';
import { FIELD, FIELD_COUNT, FORMAT_VERSION, HEADER_BYTES } from './ledger-format.js';
import { readColumn, skipColumn } from './packed-column.js';
import { StringTableReader, skipStrings } from './string-table.js';

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
  private stringTable: StringTableReader | undefined;

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

  /** One field of every call (FIELD order); string fields hold references, see string(). */
  column(field: number): Float64Array {
    let c = this.columns[field];
    if (c === undefined) {
      c = readColumn(this.view, this.columnAt[field] as number, this.count);
      this.columns[field] = c;
    }
    return c;
  }

  /** The references of `s` (none when no call has it; more than one when a field stores ids as they come). */
  refsOf(s: string): number[] {
    return this.table().indexesOf(s).map((j) => j + 1);
  }

  /** Number of strings in the block's table (references go up to it). */
  get stringCount(): number {
    return this.table().count;
  }

  /** The string a reference stands for (0: null). */
  string(ref: number): string | null {
    return ref === 0 ? null : this.table().get(ref - 1);
  }

  row(i: number): LedgerRow {
    return this.build(i, (json) => json);
  }

  call(i: number): LedgerCall {
    return this.build(i, parseDimensions);
  }

  private build<D>(i: number, dimensions: (json: string | null) => D): Omit<LedgerRow, 'dimensions'> & { dimensions: D } {
    const v = this.allColumns();
    return {
      tsMs: cell(v, F.tsMs, i),
      traceId: this.string(cell(v, F.traceId, i)) as string,
      spanId: this.string(cell(v, F.spanId, i)) as string,
      sessionId: this.string(cell(v, F.sessionId, i)),
      userId: this.string(cell(v, F.userId, i)),
      provider: this.string(cell(v, F.provider, i)),
      requestModel: this.string(cell(v, F.requestModel, i)),
      responseModel: this.string(cell(v, F.responseModel, i)),
      operation: this.string(cell(v, F.operation, i)),
      service: this.string(cell(v, F.service, i)) as string,
      agent: this.string(cell(v, F.agent, i)),
      error: this.string(cell(v, F.error, i)),
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
      dimensions: dimensions(this.string(cell(v, F.dimensions, i))),
    };
  }

  private allColumns(): Float64Array[] {
    const all: Float64Array[] = [];
    for (let f = 0; f < FIELD_COUNT; f++) all.push(this.column(f));
    return all;
  }

  private table(): StringTableReader {
    this.stringTable ??= new StringTableReader(this.data, this.view, HEADER_BYTES);
    return this.stringTable;
  }
}
