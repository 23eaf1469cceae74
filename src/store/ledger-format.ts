// Binary layout of a ledger block (one chunk of a flush's calls), little-endian:
//   u8   format version (FORMAT_VERSION)
//   u32  number of calls n
//   the block's strings, each once (string-table.ts)
//   FIELD_COUNT packed columns of n values (packed-column.ts), in FIELD order. A string field
//   holds references into the table (0 = null, k = the k-th string); a nullable number field
//   holds NaN for null (stored numbers are finite or null, never NaN); priced is 0 or 1.

export const FORMAT_VERSION = 1;

/** Column index of each stored field (the order of schema 1's ledger columns). */
export const FIELD = {
  tsMs: 0,
  traceId: 1,
  spanId: 2,
  sessionId: 3,
  userId: 4,
  provider: 5,
  requestModel: 6,
  responseModel: 7,
  operation: 8,
  service: 9,
  agent: 10,
  error: 11,
  priced: 12,
  costUsd: 13,
  inputCost: 14,
  cacheReadCost: 15,
  cacheWriteCost: 16,
  outputCost: 17,
  reasoningCost: 18,
  inputTokens: 19,
  cacheReadTokens: 20,
  cacheWriteTokens: 21,
  outputTokens: 22,
  reasoningTokens: 23,
  durationMs: 24,
  dimensions: 25,
} as const;

export const FIELD_COUNT = 26;

/** Bytes before the string table. */
export const HEADER_BYTES = 5;
