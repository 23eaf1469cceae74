// What the ledger stores per call: written as PendingCall, read back as LedgerCall.
import type { PricedCall } from '../types.js';

export interface PendingCall {
  ts: number;
  durationMs: number;
  call: PricedCall;
}

/** One ledger call as returned by queries. */
export interface LedgerCall {
  tsMs: number;
  traceId: string;
  spanId: string;
  sessionId: string | null;
  userId: string | null;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  operation: string | null;
  service: string;
  agent: string | null;
  error: string | null;
  priced: boolean;
  costUsd: number | null;
  inputCost: number | null;
  cacheReadCost: number | null;
  cacheWriteCost: number | null;
  outputCost: number | null;
  reasoningCost: number | null;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  durationMs: number;
  dimensions: Record<string, string>;
}

/** A ledger call as stored: the dimensions as their JSON text (null when there are none). */
export type LedgerRow = Omit<LedgerCall, 'dimensions'> & { dimensions: string | null };
