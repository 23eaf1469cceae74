// Reads a ledger block (format: ledger-format.ts) lazily: a column or the string table is
// decoded on first use, so a scan that only needs timestamps or sessions decodes only those.
import type { LedgerCall, LedgerRow } from './ledger-call.js';
import { FIELD, FIELD_COUNT, FORMAT_VERSION, HEADER_BYTES } from './ledger-format.js';
import { readCell, readColumn, readHeader, skipColumn } from './packed-column.js';
import type { ColumnHeader } from './packed-column.js';
import { StringTableReader, skipStrings } from './string-table.js';

// A module-level copy: under some loaders (tsx) each use of an imported binding is a getter call.
const F = FIELD;

function nullable(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

function parseDimensions(json: string | null): Record<string, string> {
  return json === null ? {} : (JSON.parse(json) as Record<string, string>);
}

export class LedgerBlockReader {
  readonly count: number;
  private readonly data: Buffer;
  private readonly view: DataView;
  private readonly columnAt: number[] = [];
  private readonly headers: ColumnHeader[] = [];
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
      this.headers.push(readHeader(view, at));
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
    return {
      tsMs: this.cell(F.tsMs, i),
      traceId: this.string(this.cell(F.traceId, i)) as string,
      spanId: this.string(this.cell(F.spanId, i)) as string,
      sessionId: this.string(this.cell(F.sessionId, i)),
      userId: this.string(this.cell(F.userId, i)),
      provider: this.string(this.cell(F.provider, i)),
      requestModel: this.string(this.cell(F.requestModel, i)),
      responseModel: this.string(this.cell(F.responseModel, i)),
      operation: this.string(this.cell(F.operation, i)),
      service: this.string(this.cell(F.service, i)) as string,
      agent: this.string(this.cell(F.agent, i)),
      error: this.string(this.cell(F.error, i)),
      priced: this.cell(F.priced, i) === 1,
      costUsd: nullable(this.cell(F.costUsd, i)),
      inputCost: nullable(this.cell(F.inputCost, i)),
      cacheReadCost: nullable(this.cell(F.cacheReadCost, i)),
      cacheWriteCost: nullable(this.cell(F.cacheWriteCost, i)),
      outputCost: nullable(this.cell(F.outputCost, i)),
      reasoningCost: nullable(this.cell(F.reasoningCost, i)),
      inputTokens: this.cell(F.inputTokens, i),
      cacheReadTokens: this.cell(F.cacheReadTokens, i),
      cacheWriteTokens: this.cell(F.cacheWriteTokens, i),
      outputTokens: this.cell(F.outputTokens, i),
      reasoningTokens: this.cell(F.reasoningTokens, i),
      durationMs: this.cell(F.durationMs, i),
      dimensions: dimensions(this.string(this.cell(F.dimensions, i))),
    };
  }

  /** Value i of a field, read in place (materializing a few calls decodes no whole column). */
  private cell(field: number, i: number): number {
    const decoded = this.columns[field];
    return decoded !== undefined ? (decoded[i] as number) : readCell(this.view, this.headers[field] as ColumnHeader, i);
  }

  private table(): StringTableReader {
    this.stringTable ??= new StringTableReader(this.data, this.view, HEADER_BYTES);
    return this.stringTable;
  }
}
