// One additive aggregate of calls (a window bucket, a session, a model row).
import type { Totals } from '../store/rows.js';
import type { PricedCall } from '../types.js';

export type { Totals } from '../store/rows.js';

export const TOTAL_FIELDS = [
  'calls', 'pricedCalls', 'errors', 'costUsd', 'inputTokens', 'cacheReadTokens',
  'cacheWriteTokens', 'outputTokens', 'reasoningTokens', 'durationMsSum',
] as const satisfies readonly (keyof Totals)[];

export function emptyTotals(): Totals {
  return {
    calls: 0, pricedCalls: 0, errors: 0, costUsd: 0, inputTokens: 0, cacheReadTokens: 0,
    cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, durationMsSum: 0,
  };
}

/** Duration of a call in ms; 0 when the timestamps are unusable. */
export function durationOf(call: PricedCall): number {
  const d = call.endTimeMs - call.startTimeMs;
  return Number.isFinite(d) && d > 0 ? d : 0;
}

export function addCall(t: Totals, call: PricedCall, durationMs: number): void {
  const k = call.tokens;
  t.inputTokens += k.input;
  t.cacheReadTokens += k.cacheRead;
  t.cacheWriteTokens += k.cacheWrite;
  t.outputTokens += k.output;
  t.reasoningTokens += k.reasoning;
  t.calls += 1;
  if (call.error !== undefined) t.errors += 1;
  if (call.priced && call.costUsd !== undefined && Number.isFinite(call.costUsd)) {
    t.pricedCalls += 1;
    t.costUsd += call.costUsd;
  }
  t.durationMsSum += durationMs;
}

export function addTotals(into: Totals, from: Totals): void {
  for (const f of TOTAL_FIELDS) into[f] += from[f];
}

/** Mean duration in ms, or null when there were no calls (never a division by zero). */
export function meanDurationMs(t: Totals): number | null {
  return t.calls > 0 ? t.durationMsSum / t.calls : null;
}

export function totalTokens(t: Totals): number {
  return t.inputTokens + t.cacheReadTokens + t.cacheWriteTokens + t.outputTokens + t.reasoningTokens;
}
