import type { LlmCall } from '../../src/types.js';

/** One LlmCall with sensible defaults; tests override only what they are about. */
export function llmCall(overrides: Partial<LlmCall> = {}): LlmCall {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId: undefined,
    startTimeMs: Date.UTC(2025, 5, 1, 12),
    endTimeMs: Date.UTC(2025, 5, 1, 12, 0, 2),
    provider: 'openai',
    requestModel: 'gpt-4o',
    responseModel: undefined,
    operation: 'chat',
    inputTokens: 1000,
    cacheReadTokens: undefined,
    cacheWriteTokens: undefined,
    outputTokens: 200,
    reasoningTokens: undefined,
    sessionId: undefined,
    userId: undefined,
    agentName: undefined,
    serviceName: 'test-service',
    error: undefined,
    dialect: 'gen_ai',
    role: 'call',
    dimensions: {},
    serviceTier: undefined,
    spanCostUsd: undefined,
    ...overrides,
  };
}

/** genai-prices usage for a call's token counts (inclusive totals, as the catalog expects). */
export function usageOf(call: LlmCall): Record<string, number> {
  return {
    input_tokens: call.inputTokens ?? 0,
    cache_read_tokens: call.cacheReadTokens ?? 0,
    cache_write_tokens: call.cacheWriteTokens ?? 0,
    output_tokens: call.outputTokens ?? 0,
    output_reasoning_tokens: call.reasoningTokens ?? 0,
  };
}

/** |a - b| within `rel` of the larger magnitude (exact equality for zeros). */
export function closeTo(a: number, b: number, rel = 1e-12): boolean {
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
}
