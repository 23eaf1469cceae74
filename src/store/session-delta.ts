// A session's totals over some ledger calls, added up from a block's columns, the same way
// whether the block was just encoded (the writer's own columns) or decoded from the store:
// same values, same order, so every connection computes the same sums to the bit.
import type { Totals } from '../analytics/aggregate.js';
import type { LedgerBlockReader } from './ledger-block-reader.js';
import { FIELD } from './ledger-format.js';

/** One object per session. */
export interface SessionDelta extends Totals {
  id: string;
  firstMs: number;
  lastMs: number;
  /** Usually one or two: an array is lighter than a Set. */
  models: string[];
}

export function emptyDelta(id: string): SessionDelta {
  // A literal rather than a spread of emptyTotals(): one is made per session in each fold period.
  return {
    id, calls: 0, pricedCalls: 0, errors: 0, costUsd: 0, inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0,
    outputTokens: 0, reasoningTokens: 0, durationMsSum: 0, firstMs: Infinity, lastMs: -Infinity, models: [],
  };
}

/** The fields a session's totals read, by name (a block's columns, FIELD order in ledger-format.ts). */
export interface SessionColumns {
  ts: Float64Array;
  session: Float64Array;
  error: Float64Array;
  cost: Float64Array;
  input: Float64Array;
  cacheRead: Float64Array;
  cacheWrite: Float64Array;
  output: Float64Array;
  reasoning: Float64Array;
  duration: Float64Array;
  requestModel: Float64Array;
  responseModel: Float64Array;
}

export function sessionColumns(column: (field: number) => Float64Array): SessionColumns {
  return {
    ts: column(FIELD.tsMs), session: column(FIELD.sessionId), error: column(FIELD.error), cost: column(FIELD.costUsd),
    input: column(FIELD.inputTokens), cacheRead: column(FIELD.cacheReadTokens), cacheWrite: column(FIELD.cacheWriteTokens),
    output: column(FIELD.outputTokens), reasoning: column(FIELD.reasoningTokens), duration: column(FIELD.durationMs),
    requestModel: column(FIELD.requestModel), responseModel: column(FIELD.responseModel),
  };
}

export function readerColumns(reader: LedgerBlockReader): SessionColumns {
  return sessionColumns((f) => reader.column(f));
}

/** Adds call i to `t` (the rules of aggregate.ts addCall, on stored values). */
function addCall(t: SessionDelta, c: SessionColumns, i: number): void {
  const ts = c.ts[i] as number;
  const cost = c.cost[i] as number;
  t.calls += 1;
  if (c.error[i] !== 0) t.errors += 1;
  if (!Number.isNaN(cost)) {
    t.pricedCalls += 1;
    t.costUsd += cost;
  }
  t.inputTokens += c.input[i] as number;
  t.cacheReadTokens += c.cacheRead[i] as number;
  t.cacheWriteTokens += c.cacheWrite[i] as number;
  t.outputTokens += c.output[i] as number;
  t.reasoningTokens += c.reasoning[i] as number;
  t.durationMsSum += c.duration[i] as number;
  if (ts < t.firstMs) t.firstMs = ts;
  if (ts > t.lastMs) t.lastMs = ts;
}

/**
 * Adds a block's `count` calls, in order, to the deltas `deltaOf` gives for their sessions
 * (null: not counted). `string` resolves a reference of the block (0 is null).
 */
export function addBlock(count: number, c: SessionColumns, string: (ref: number) => string | null, deltaOf: (id: string) => SessionDelta | null): void {
  // Per session reference (a small integer): its delta, resolved once per block.
  const byRef: (SessionDelta | null | undefined)[] = [];
  for (let i = 0; i < count; i++) {
    const ref = c.session[i] as number;
    if (ref === 0) continue;
    let d = byRef[ref];
    if (d === undefined) {
      d = deltaOf(string(ref) as string);
      byRef[ref] = d;
    }
    if (d === null) continue;
    addCall(d, c, i);
    const model = (c.responseModel[i] !== 0 ? c.responseModel[i] : c.requestModel[i]) as number;
    if (model !== 0) {
      const name = string(model) as string;
      if (!d.models.includes(name)) d.models.push(name);
    }
  }
}
