// A heavy-hitter sketch as one binary value, written whole at each flush that changed it:
// u8 format version, u32 entries, their ids (string-table.ts), then weight, error, calls,
// firstMs and lastMs as packed columns. Schema 1 stored the JSON form, still read here.
import type { HeavyHitter } from '../analytics/space-saving.js';
import { packedSize, planColumn, readColumn, skipColumn, writeColumn } from './packed-column.js';
import { packStrings, readStrings, skipStrings, writeStrings } from './string-table.js';

const FORMAT_VERSION = 1;
const HEADER_BYTES = 5;
const NUMBERS = ['weight', 'error', 'calls', 'firstMs', 'lastMs'] as const;

export function encodeSketch(entries: readonly HeavyHitter[]): Buffer {
  const n = entries.length;
  const ids = packStrings(entries.map((h) => h.id));
  const columns = NUMBERS.map((field) => {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = (entries[i] as HeavyHitter)[field];
    return c;
  });
  const plans = columns.map(planColumn);
  const data = Buffer.allocUnsafe(plans.reduce((size, p) => size + packedSize(p, n), HEADER_BYTES + ids.size));
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  view.setUint8(0, FORMAT_VERSION);
  view.setUint32(1, n, true);
  let at = writeStrings(data, view, HEADER_BYTES, ids);
  columns.forEach((c, k) => {
    at = writeColumn(view, at, c, plans[k]!);
  });
  return data;
}

export function decodeSketch(bytes: Uint8Array): HeavyHitter[] {
  const data = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const version = data.length > 0 ? view.getUint8(0) : -1;
  if (version !== FORMAT_VERSION) throw new Error(`unknown sketch format ${version} (this otel-llm-cost reads format ${FORMAT_VERSION})`);
  const n = view.getUint32(1, true);
  const ids = readStrings(data, view, HEADER_BYTES);
  let at = skipStrings(view, HEADER_BYTES);
  const [weight, error, calls, firstMs, lastMs] = NUMBERS.map(() => {
    const c = readColumn(view, at, n);
    at = skipColumn(view, at, n);
    return c;
  }) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  return ids.map((id, i) => ({ id, weight: weight[i]!, error: error[i]!, calls: calls[i]!, firstMs: firstMs[i]!, lastMs: lastMs[i]! }));
}

/** Schema 1's form: a JSON array of [id, weight, error, calls, firstMs, lastMs]. */
export function sketchFromJson(json: string): HeavyHitter[] {
  const entries = JSON.parse(json) as [string, number, number, number, number, number][];
  return entries.map(([id, weight, error, calls, firstMs, lastMs]) => ({ id, weight, error, calls, firstMs, lastMs }));
}
