import type { LlmCall, PricedCall, TokenCosts, TokenPartition, UnpricedReason } from '../types.js';

/**
 * The PricedCall for `call`. Fields are copied by name rather than with `{ ...call }`:
 * on Node 20 spreading a 22-field record costs microseconds, an object literal of the same
 * shape tens of nanoseconds, and pricing sits on the per-span path.
 */
export function pricedCall(
  call: LlmCall,
  costUsd: number | undefined,
  costs: TokenCosts | undefined,
  tokens: TokenPartition,
  unpricedReason: UnpricedReason | undefined,
  pricedAs: string | undefined,
  cacheSavingsUsd?: number,
): PricedCall {
  return {
    traceId: call.traceId,
    spanId: call.spanId,
    parentSpanId: call.parentSpanId,
    startTimeMs: call.startTimeMs,
    endTimeMs: call.endTimeMs,
    provider: call.provider,
    requestModel: call.requestModel,
    responseModel: call.responseModel,
    operation: call.operation,
    inputTokens: call.inputTokens,
    cacheReadTokens: call.cacheReadTokens,
    cacheWriteTokens: call.cacheWriteTokens,
    outputTokens: call.outputTokens,
    reasoningTokens: call.reasoningTokens,
    sessionId: call.sessionId,
    userId: call.userId,
    agentName: call.agentName,
    serviceName: call.serviceName,
    error: call.error,
    dialect: call.dialect,
    role: call.role,
    dimensions: call.dimensions,
    serviceTier: call.serviceTier,
    spanCostUsd: call.spanCostUsd,
    cacheDetailMissing: call.cacheDetailMissing,
    priced: costUsd !== undefined,
    costUsd,
    costs,
    tokens,
    unpricedReason,
    pricedAs,
    cacheSavingsUsd,
  };
}
