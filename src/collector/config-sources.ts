// Where `serve` settings come from: a YAML file, OTEL_LLM_COST_* environment variables and
// command-line flags, merged with precedence flags > env > file > defaults.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config-error.js';

type Raw = Record<string, unknown>;

/** Environment variables read by `serve`, with the config key each sets. */
export const SERVE_ENV_VARS: ReadonlyArray<{ name: string; key: string; kind: 'string' | 'int' | 'port_or_off' | 'bool' | 'list' | 'headers'; help: string }> = [
  { name: 'OTEL_LLM_COST_CONFIG', key: 'config', kind: 'string', help: 'path of the YAML config file' },
  { name: 'OTEL_LLM_COST_HOST', key: 'host', kind: 'string', help: 'listen address (default 127.0.0.1)' },
  { name: 'OTEL_LLM_COST_OTLP_PORT', key: 'otlp_port', kind: 'int', help: 'OTLP/HTTP port (default 4318)' },
  { name: 'OTEL_LLM_COST_GRPC_PORT', key: 'grpc_port', kind: 'port_or_off', help: "OTLP/gRPC port (default 4317; 'off' disables it)" },
  { name: 'OTEL_LLM_COST_METRICS_PORT', key: 'metrics_port', kind: 'int', help: '/metrics, /healthz, /api port (default 9464)' },
  { name: 'OTEL_LLM_COST_STORE', key: 'store', kind: 'string', help: "SQLite file or ':memory:' (default ./otel-llm-cost.db)" },
  { name: 'OTEL_LLM_COST_MAX_BODY_BYTES', key: 'max_body_bytes', kind: 'int', help: 'largest request body on the wire (default 16777216)' },
  { name: 'OTEL_LLM_COST_MAX_DECOMPRESSED_BYTES', key: 'max_decompressed_bytes', kind: 'int', help: 'largest body after gunzip (default 67108864)' },
  { name: 'OTEL_LLM_COST_MAX_CONCURRENT_REQUESTS', key: 'max_concurrent_requests', kind: 'int', help: 'requests processed at once; 503 above (default 32)' },
  { name: 'OTEL_LLM_COST_BODY_TIMEOUT_MS', key: 'body_timeout_ms', kind: 'int', help: 'a request body must arrive within this; 408 after (default 30000)' },
  { name: 'OTEL_LLM_COST_READ_BUFFER_BYTES', key: 'read_buffer_bytes', kind: 'int', help: 'bytes of bodies being read at once; 503 above (default 134217728)' },
  { name: 'OTEL_LLM_COST_AUTH_TOKEN', key: 'auth_token', kind: 'string', help: 'require Authorization: Bearer <token> (default: no auth)' },
  { name: 'OTEL_LLM_COST_METRICS_AUTH_TOKEN', key: 'metrics_auth_token', kind: 'string', help: 'require Authorization: Bearer <token> on /metrics (default: open)' },
  { name: 'OTEL_LLM_COST_FORWARD_ENDPOINT', key: 'forward.endpoint', kind: 'string', help: 'forward traces to this OTLP/HTTP URL (default: off)' },
  { name: 'OTEL_LLM_COST_FORWARD_HEADERS', key: 'forward.headers', kind: 'headers', help: 'headers for forwarding, k1=v1,k2=v2' },
  { name: 'OTEL_LLM_COST_FORWARD_COMPRESSION', key: 'forward.compression', kind: 'string', help: 'gzip or none (default none)' },
  { name: 'OTEL_LLM_COST_FORWARD_QUEUE_BYTES', key: 'forward.queue_bytes', kind: 'int', help: 'bytes of bodies queued for forwarding; dropped above (default 67108864)' },
  { name: 'OTEL_LLM_COST_GENAI_METRICS', key: 'gen_ai_metrics', kind: 'bool', help: 'emit gen_ai.client.* metrics (default true)' },
  { name: 'OTEL_LLM_COST_DIMENSIONS', key: 'dimensions', kind: 'list', help: 'extra metric labels, comma-separated' },
  { name: 'OTEL_LLM_COST_BUDGET_STORE', key: 'budget_store', kind: 'string', help: 'shared budget store, redis://host:6379/0 (default: none)' },
  { name: 'OTEL_LLM_COST_TIMEZONE', key: 'timezone', kind: 'string', help: 'IANA timezone of daily windows (default UTC)' },
  { name: 'OTEL_LLM_COST_SHUTDOWN_TIMEOUT_MS', key: 'shutdown_timeout_ms', kind: 'int', help: 'drain time on SIGTERM (default 10000)' },
];

export function readYamlConfig(path: string): Raw {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('config', `cannot read ${path}: ${(err as Error).message}`, 'pass an existing YAML file to --config');
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError('config', `${path} is not valid YAML: ${(err as Error).message}`, 'fix the YAML syntax at the position shown');
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError('config', `${path} must hold a mapping of settings`, 'write settings as `key: value` lines, e.g. otlp_port: 4318');
  }
  return pathsRelativeTo(dirname(resolve(path)), doc as Raw);
}

/** A file path from a file: relative means next to the file, wherever the collector is started from. */
function besideFile(dir: string, value: unknown): unknown {
  if (typeof value !== 'string' || value === '' || value === ':memory:' || isAbsolute(value)) return value;
  return resolve(dir, value);
}

/** The paths a config file may hold, `store:` and `prices.catalog_file:`, resolved against its folder. */
function pathsRelativeTo(dir: string, raw: Raw): Raw {
  const out: Raw = { ...raw };
  if ('store' in raw) out.store = besideFile(dir, raw.store);
  const prices = raw.prices;
  if (typeof prices === 'object' && prices !== null && !Array.isArray(prices)) {
    const p = { ...(prices as Raw) };
    for (const key of ['catalog_file', 'catalogFile']) if (key in p) p[key] = besideFile(dir, p[key]);
    out.prices = p;
  }
  return out;
}

export function parseInteger(source: string, text: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new ConfigError(source, `must be a whole number, got ${JSON.stringify(text)}`, `set ${source} to digits only, e.g. 4318`);
  return Number(text);
}

/** A port number, or 'off' (any case) to disable the listener. */
export function parsePortOrOff(source: string, text: string): number | 'off' {
  if (text.trim().toLowerCase() === 'off') return 'off';
  if (!/^\s*\d+\s*$/.test(text)) throw new ConfigError(source, `must be a port number or off, got ${JSON.stringify(text)}`, `set ${source} to e.g. 4317, 0 (any free port) or off`);
  return Number(text);
}

function parseBool(source: string, text: string): boolean {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === '1' || t === 'yes') return true;
  if (t === 'false' || t === '0' || t === 'no') return false;
  throw new ConfigError(source, `must be true or false, got ${JSON.stringify(text)}`, `set ${source}=true or ${source}=false`);
}

function parseHeaders(source: string, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ConfigError(source, `entry ${JSON.stringify(part)} is not name=value`, `write ${source}=x-api-key=abc,x-team=ml`);
    out[decodeURIComponent(part.slice(0, eq).trim())] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

/** Settings from OTEL_LLM_COST_* variables, as a raw (snake_case) object. */
export function configFromEnv(env: NodeJS.ProcessEnv): Raw {
  const raw: Raw = {};
  for (const v of SERVE_ENV_VARS) {
    const text = env[v.name];
    if (text === undefined || text === '' || v.key === 'config') continue;
    const value =
      v.kind === 'int' ? parseInteger(v.name, text)
      : v.kind === 'port_or_off' ? parsePortOrOff(v.name, text)
      : v.kind === 'bool' ? parseBool(v.name, text)
      : v.kind === 'list' ? text.split(',').map((s) => s.trim()).filter((s) => s !== '')
      : v.kind === 'headers' ? parseHeaders(v.name, text)
      : text;
    setPath(raw, v.key, value);
  }
  return raw;
}

function setPath(raw: Raw, key: string, value: unknown): void {
  const dot = key.indexOf('.');
  if (dot < 0) {
    raw[key] = value;
    return;
  }
  const head = key.slice(0, dot);
  const inner = (raw[head] ??= {}) as Raw;
  inner[key.slice(dot + 1)] = value;
}

const AUTH_KEYS = ['auth_token', 'authToken', 'auth_token_env', 'authTokenEnv'];
const METRICS_AUTH_KEYS = ['metrics_auth_token', 'metricsAuthToken', 'metrics_auth_token_env', 'metricsAuthTokenEnv'];

/** Merges layers, later ones winning; `forward` merges key by key; a layer naming any auth key replaces all. */
export function mergeLayers(...layers: Raw[]): Raw {
  const out: Raw = {};
  for (const layer of layers) {
    for (const keys of [AUTH_KEYS, METRICS_AUTH_KEYS]) if (keys.some((k) => layer[k] !== undefined)) for (const k of keys) delete out[k];
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      const prev = out[key];
      if (key === 'forward' && isObject(prev) && isObject(value)) out[key] = { ...prev, ...value };
      else out[key] = value;
    }
  }
  return out;
}

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
