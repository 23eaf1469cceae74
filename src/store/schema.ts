// SQLite schema of the durable store. PRAGMA user_version holds SCHEMA_VERSION; meta.app
// identifies the file as ours so a foreign database is never written to. Versions 1 to 3
// were earlier builds' layouts (never released): they are refused, not converted. Any change to
// the tables below takes a new version. Version 5 added the ledger's service_tier and
// span_cost_usd.

export const SCHEMA_VERSION = 5;
export const APP_ID = 'otel-llm-cost';

export const SCHEMA_DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- The ledger: one row per priced call of the retention period. id orders rows by insertion.
CREATE TABLE ledger (
  id INTEGER PRIMARY KEY,
  ts_ms INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  session_id TEXT,
  user_id TEXT,
  provider TEXT,
  request_model TEXT,
  response_model TEXT,
  operation TEXT,
  service TEXT NOT NULL,
  agent TEXT,
  error TEXT,
  priced INTEGER NOT NULL,
  cost_usd REAL,
  input_cost REAL,
  cache_read_cost REAL,
  cache_write_cost REAL,
  output_cost REAL,
  reasoning_cost REAL,
  input_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  -- The service tier the call ran on when not the standard one (flex, priority, scale, batch).
  service_tier TEXT,
  -- A cost the span already carried (gen_ai.usage.cost, e.g. from LiteLLM), shown beside ours.
  span_cost_usd REAL,
  -- JSON object of the configured dimensions; NULL when there are none.
  dimensions TEXT
);
-- breakdown({ hours }) pages by (ts_ms, id); retention deletes by ts_ms; budget rebuilds scan by ts_ms.
CREATE INDEX ledger_ts ON ledger (ts_ms);
-- session(id), breakdown({ sessionId }) and costByScoreTier: one session's rows, in time order.
CREATE INDEX ledger_session ON ledger (session_id, ts_ms) WHERE session_id IS NOT NULL;
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
  cache_savings_usd REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (res, bucket, series)
) WITHOUT ROWID;
-- Heavy-hitter sketches (kind: session | user), each a JSON array of its entries, rewritten when it changed.
CREATE TABLE sketch (kind TEXT PRIMARY KEY, entries TEXT NOT NULL) WITHOUT ROWID;
-- Budget spend: res d (local day number in the budget timezone) or m (minute, rolling budgets).
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
