// SQLite schema of the durable store. PRAGMA user_version holds SCHEMA_VERSION; meta.app
// identifies the file as ours so a foreign database is never written to.

export const SCHEMA_VERSION = 2;
export const APP_ID = 'otel-llm-cost';

/**
 * The ledger: the priced calls of the retention period, in blocks of up to BLOCK_CALLS calls
 * (ledger-format.ts), one or more per flush. Each block's time span [first_ms, last_ms] and
 * totals are columns, for range scans, retention and totals without decoding. (Schema 1 had
 * a row per call; upgrade-v1.ts converts it.)
 */
export const LEDGER_BLOCK_DDL = `
CREATE TABLE ledger_block (
  -- Never reused (AUTOINCREMENT), even once retention deleted every block: ids order the
  -- blocks by insertion, and session rollups record the last id they took in.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  first_ms INTEGER NOT NULL,
  last_ms INTEGER NOT NULL,
  calls INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX ledger_block_first ON ledger_block (first_ms);
CREATE INDEX ledger_block_last ON ledger_block (last_ms, first_ms);
`;

/** Heavy-hitter sketches (kind: session | user), each whole (sketch-codec.ts), rewritten when it changed. (Schema 1 stored JSON.) */
export const SKETCH_DDL = `
CREATE TABLE sketch (kind TEXT PRIMARY KEY, entries BLOB NOT NULL) WITHOUT ROWID;
`;

export const SCHEMA_DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
${LEDGER_BLOCK_DDL}
-- Per-session totals, one row per session (kept as long as the ledger keeps its calls).
CREATE TABLE session_rollup (
  session_id TEXT PRIMARY KEY,
  calls INTEGER NOT NULL,
  priced_calls INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  input_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  duration_ms_sum REAL NOT NULL,
  first_ms INTEGER NOT NULL,
  last_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE session_model (session_id TEXT NOT NULL, model TEXT NOT NULL, PRIMARY KEY (session_id, model)) WITHOUT ROWID;
-- Window rollups: res m (minute, epoch ms), h (hour, epoch ms), d (local day number, kept for good).
CREATE TABLE rollup (
  res TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  series TEXT NOT NULL,
  calls INTEGER NOT NULL,
  priced_calls INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  input_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  duration_ms_sum REAL NOT NULL,
  PRIMARY KEY (res, bucket, series)
) WITHOUT ROWID;
${SKETCH_DDL}-- Budget spend: res d (local day number in the budget timezone) or m (minute, rolling budgets).
CREATE TABLE budget_spend (
  budget TEXT NOT NULL,
  res TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  spent REAL NOT NULL,
  PRIMARY KEY (budget, res, bucket)
) WITHOUT ROWID;
-- Threshold events already fired (once per period per level and threshold).
CREATE TABLE budget_event (
  budget TEXT NOT NULL,
  period_key TEXT NOT NULL,
  level TEXT NOT NULL,
  threshold REAL NOT NULL,
  fired_ms INTEGER NOT NULL,
  PRIMARY KEY (budget, period_key, level, threshold)
) WITHOUT ROWID;
`;
