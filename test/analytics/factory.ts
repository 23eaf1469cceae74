// The one factory of PricedCall test data.
import type { PricedCall } from '../../src/types.js';

let seq = 0;

export interface CallSpec extends Partial<PricedCall> {
  /** End time (epoch ms); the call starts `durationMs` earlier. */
  at?: number;
  durationMs?: number;
}

/**
 * A priced gpt-4o call. `costUsd` is split evenly between input and output cost; pass
 * `priced: false` for an unpriced call (costUsd and costs undefined).
 */
export function pricedCall(spec: CallSpec = {}): PricedCall {
  const { at = Date.UTC(2026, 0, 15, 12), durationMs = 1000, ...over } = spec;
  seq++;
  const priced = over.priced ?? true;
  const costUsd = priced ? (over.costUsd ?? 0.01) : undefined;
  const base: PricedCall = {
    traceId: `trace-${seq}`,
    spanId: `span-${seq}`,
    parentSpanId: undefined,
    startTimeMs: at - durationMs,
    endTimeMs: at,
    provider: 'openai',
    requestModel: 'gpt-4o',
    responseModel: 'gpt-4o-2024-08-06',
    operation: 'chat',
    inputTokens: 1000,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 200,
    reasoningTokens: 0,
    sessionId: undefined,
    userId: undefined,
    agentName: undefined,
    serviceName: 'checkout',
    error: undefined,
    dialect: 'gen_ai',
    role: 'call',
    dimensions: {},
    priced,
    costUsd,
    costs: costUsd === undefined ? undefined : { input: costUsd / 2, cacheRead: 0, cacheWrite: 0, output: costUsd / 2, reasoning: 0 },
    tokens: { input: 1000, cacheRead: 0, cacheWrite: 0, output: 200, reasoning: 0 },
    unpricedReason: priced ? undefined : 'unknown_model',
    pricedAs: priced ? 'openai/gpt-4o' : undefined,
  };
  return { ...base, ...over, priced, costUsd, costs: over.costs !== undefined ? over.costs : base.costs };
}

/** A settable fake clock. */
export function fakeClock(startMs: number): { now: () => number; set: (ms: number) => void; advance: (ms: number) => void } {
  let t = startMs;
  return { now: () => t, set: (ms) => { t = ms; }, advance: (ms) => { t += ms; } };
}
