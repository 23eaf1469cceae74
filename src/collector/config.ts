// Collector settings: the typed config of startCollector(), its defaults, and the
// validation of a raw (YAML / env / flags) object into it. Errors name the field.
import { ConfigError, shownValue } from '../config-error.js';
import type { LlmCostOptions } from '../options.js';
import { validateOptions } from '../options-validate.js';
import type { ForwardConfig } from './forwarder.js';
import { keyAliases, snakeCase } from '../config-keys.js';
import { didYouMean } from '../did-you-mean.js';
import { CODE_ONLY_OPTIONS, OPTION_NAMES, optionName } from '../options-validate.js';

export interface CollectorConfig {
  /** Interface to listen on (both ports). Default: '127.0.0.1'. Use '0.0.0.0' to accept remote apps. */
  host?: string;
  /** OTLP/HTTP receiver port. Default: 4318. 0 picks a free port. */
  otlpPort?: number;
  /**
   * OTLP/gRPC receiver port (TraceService/Export, the default protocol of the Python, Go and
   * Rust SDKs). Default: 4317. 0 picks a free port; 'off' (or false) does not listen.
   */
  grpcPort?: number | 'off' | false;
  /** Port of /metrics, /healthz and /api. Default: 9464. 0 picks a free port. */
  metricsPort?: number;
  /** Largest request body on the wire. Default: 16 MiB. (OTLP/gRPC: see maxDecompressedBytes.) */
  maxBodyBytes?: number;
  /** Largest request body after gunzip. Default: 64 MiB. Also the largest OTLP/gRPC message, compressed or not. */
  maxDecompressedBytes?: number;
  /**
   * OTLP requests decompressed and processed at once, per protocol, counted once their body has
   * arrived; more get 503 + Retry-After (gRPC: UNAVAILABLE). Default: 32.
   */
  maxConcurrentRequests?: number;
  /** A request body must arrive within this many ms, or the request gets 408 and its connection is closed. Default: 30000. */
  bodyTimeoutMs?: number;
  /**
   * Bytes of request bodies being read at once, all connections together; a request that would
   * pass it gets 503 + Retry-After. At least max_body_bytes. Default: 128 MiB.
   */
  readBufferBytes?: number;
  /**
   * How long a processed request body is remembered: the same body again (an exporter's retry)
   * is answered but not counted or forwarded again. Default: 600000 ms (10 minutes).
   */
  resendWindowMs?: number;
  /** Most request bodies remembered for resendWindowMs (about 120 bytes each). Default: 100000. */
  resendMemory?: number;
  /** Require `Authorization: Bearer <token>` on the receivers (gRPC: `authorization` metadata). Default: none (no auth). */
  authToken?: string;
  /**
   * Require `Authorization: Bearer <token>` on GET /metrics (Prometheus: `authorization:
   * { credentials: <token> }` in the scrape config). Default: none (/metrics open).
   */
  metricsAuthToken?: string;
  /** Forward everything received to a downstream OTLP/HTTP endpoint. Default: off. */
  forward?: ForwardConfig;
  /** How long shutdown waits for in-flight requests and the forward queue. Default: 10000 ms. */
  shutdownTimeoutMs?: number;
  /**
   * After in-flight requests finished, how long shutdown keeps the port open answering
   * 503 + Retry-After (so late senders retry instead of meeting a closed port). Default: 1000 ms.
   */
  drainGraceMs?: number;
  /** Pipeline options (prices, budgets, dimensions, store, ...). genAiMetrics defaults to true here. */
  pipeline?: Omit<LlmCostOptions, 'meterProvider'>;
}

export interface ResolvedCollectorConfig {
  host: string;
  otlpPort: number;
  /** undefined = OTLP/gRPC off. */
  grpcPort: number | undefined;
  metricsPort: number;
  maxBodyBytes: number;
  maxDecompressedBytes: number;
  maxConcurrentRequests: number;
  bodyTimeoutMs: number;
  readBufferBytes: number;
  resendWindowMs: number;
  resendMemory: number;
  authToken: string | undefined;
  metricsAuthToken: string | undefined;
  forward: ForwardConfig | undefined;
  shutdownTimeoutMs: number;
  drainGraceMs: number;
  pipeline: Omit<LlmCostOptions, 'meterProvider'>;
}

export const COLLECTOR_DEFAULTS = {
  host: '127.0.0.1',
  otlpPort: 4318,
  grpcPort: 4317,
  metricsPort: 9464,
  maxBodyBytes: 16 * 1024 * 1024,
  maxDecompressedBytes: 64 * 1024 * 1024,
  maxConcurrentRequests: 32,
  bodyTimeoutMs: 30_000,
  readBufferBytes: 128 * 1024 * 1024,
  resendWindowMs: 600_000,
  resendMemory: 100_000,
  shutdownTimeoutMs: 10_000,
  drainGraceMs: 1000,
} as const;

/** Top-level keys that are the collector's own (camelCase and snake_case). */
const SERVER_KEYS = keyAliases<keyof CollectorConfig | 'authTokenEnv' | 'metricsAuthTokenEnv'>([
  'host', 'otlpPort', 'grpcPort', 'metricsPort', 'maxBodyBytes', 'maxDecompressedBytes', 'maxConcurrentRequests',
  'bodyTimeoutMs', 'readBufferBytes', 'resendWindowMs', 'resendMemory', 'authToken', 'authTokenEnv', 'metricsAuthToken', 'metricsAuthTokenEnv', 'forward', 'shutdownTimeoutMs', 'drainGraceMs',
]);

const FORWARD_KEYS = keyAliases<keyof ForwardConfig>([
  'endpoint', 'headers', 'compression', 'queueSize', 'queueBytes', 'concurrency', 'maxRetries', 'initialBackoffMs', 'maxBackoffMs', 'timeoutMs',
]);

/** Settings a config file can hold, as written there: the collector's own, then the pipeline's. */
export function collectorSettingNames(): string[] {
  const own = [...new Set(Object.values(SERVER_KEYS))].map(snakeCase);
  const pipeline = OPTION_NAMES.filter((name) => !CODE_ONLY_OPTIONS.has(name)).map(snakeCase);
  return [...own, ...pipeline];
}

function isFileOption(key: string): boolean {
  const name = optionName(key);
  return name !== undefined && !CODE_ONLY_OPTIONS.has(name);
}

function unknownSetting(key: string): ConfigError {
  const names = collectorSettingNames();
  const guess = didYouMean(key, names);
  return new ConfigError(key, 'unknown option', `${guess === undefined ? '' : `did you mean ${guess}? `}settings: ${names.join(', ')}`);
}

/**
 * Turns a merged raw object (YAML file, then env, then flags) into a CollectorConfig.
 * `env` resolves auth_token_env. Pipeline keys go through validateOptions.
 */
export function collectorConfigFromRaw(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): CollectorConfig {
  const server: Record<string, unknown> = {};
  const pipelineRaw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const k = SERVER_KEYS[key];
    if (k !== undefined) server[k] = value;
    else if (isFileOption(key)) pipelineRaw[key] = value;
    else throw unknownSetting(key);
  }
  const config: CollectorConfig = { pipeline: validateOptions(pipelineRaw) };
  if (server.host !== undefined) config.host = server.host as string;
  if (server.otlpPort !== undefined) config.otlpPort = server.otlpPort as number;
  if (server.grpcPort !== undefined) config.grpcPort = server.grpcPort as number | 'off' | false;
  if (server.metricsPort !== undefined) config.metricsPort = server.metricsPort as number;
  if (server.maxBodyBytes !== undefined) config.maxBodyBytes = server.maxBodyBytes as number;
  if (server.maxDecompressedBytes !== undefined) config.maxDecompressedBytes = server.maxDecompressedBytes as number;
  if (server.maxConcurrentRequests !== undefined) config.maxConcurrentRequests = server.maxConcurrentRequests as number;
  if (server.bodyTimeoutMs !== undefined) config.bodyTimeoutMs = server.bodyTimeoutMs as number;
  if (server.readBufferBytes !== undefined) config.readBufferBytes = server.readBufferBytes as number;
  if (server.resendWindowMs !== undefined) config.resendWindowMs = server.resendWindowMs as number;
  if (server.resendMemory !== undefined) config.resendMemory = server.resendMemory as number;
  if (server.shutdownTimeoutMs !== undefined) config.shutdownTimeoutMs = server.shutdownTimeoutMs as number;
  if (server.drainGraceMs !== undefined) config.drainGraceMs = server.drainGraceMs as number;
  if (server.authToken !== undefined) config.authToken = server.authToken as string;
  if (server.authTokenEnv !== undefined) config.authToken = tokenFromEnv('auth_token_env', server.authTokenEnv, env);
  if (server.metricsAuthToken !== undefined) config.metricsAuthToken = server.metricsAuthToken as string;
  if (server.metricsAuthTokenEnv !== undefined) config.metricsAuthToken = tokenFromEnv('metrics_auth_token_env', server.metricsAuthTokenEnv, env);
  if (server.forward !== undefined) {
    const f = server.forward;
    if (typeof f !== 'object' || f === null || Array.isArray(f)) {
      throw new ConfigError('forward', 'must be a mapping', 'write forward: { endpoint: http://collector:4318/v1/traces }');
    }
    const fwd: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(f)) {
      const k = FORWARD_KEYS[key];
      if (k === undefined) {
        throw new ConfigError(`forward.${key}`, 'unknown option', `use one of: ${[...new Set(Object.values(FORWARD_KEYS))].join(', ')}`);
      }
      if (value !== undefined) fwd[k] = value;
    }
    config.forward = fwd as unknown as ForwardConfig;
  }
  return config;
}

/** The token held by the environment variable named by `field` (auth_token_env, ...). */
function tokenFromEnv(field: string, name: unknown, env: NodeJS.ProcessEnv): string {
  if (typeof name !== 'string' || name === '') {
    throw new ConfigError(field, 'must be the name of an environment variable', `set ${field}: OTEL_LLM_COST_TOKEN`);
  }
  const token = env[name];
  if (token === undefined || token === '') {
    throw new ConfigError(field, `environment variable ${name} is not set or empty`, `export ${name}=<token> before starting, or remove ${field}`);
  }
  return token;
}

function positiveInt(field: string, v: unknown, fix: string): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
    throw new ConfigError(field, `must be a positive whole number, got ${shownValue(v)}`, fix);
  }
}

function port(field: string, v: unknown, flag: string, usual: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) {
    throw new ConfigError(field, `must be a port number 0-65535, got ${shownValue(v)}`, `set ${flag} ${usual} (0 picks a free port)`);
  }
  return v;
}

/** Applies defaults and checks every value; throws ConfigError naming the field. */
export function resolveCollectorConfig(config: CollectorConfig): ResolvedCollectorConfig {
  const host = config.host ?? COLLECTOR_DEFAULTS.host;
  if (typeof host !== 'string' || host.trim() === '') {
    throw new ConfigError('host', 'must be a host name or IP address', 'use --host 127.0.0.1 (local only) or --host 0.0.0.0 (all interfaces)');
  }
  const otlpPort = port('otlp_port', config.otlpPort ?? COLLECTOR_DEFAULTS.otlpPort, '--otlp-port', COLLECTOR_DEFAULTS.otlpPort);
  const metricsPort = port('metrics_port', config.metricsPort ?? COLLECTOR_DEFAULTS.metricsPort, '--metrics-port', COLLECTOR_DEFAULTS.metricsPort);
  if (otlpPort !== 0 && otlpPort === metricsPort) {
    throw new ConfigError('metrics_port', `is the same as otlp_port (${otlpPort})`, 'use two different ports, e.g. --otlp-port 4318 --metrics-port 9464');
  }
  const grpcPort = grpcPortOf(config.grpcPort);
  if (grpcPort !== undefined && grpcPort !== 0 && (grpcPort === otlpPort || grpcPort === metricsPort)) {
    throw new ConfigError('grpc_port', `is the same as ${grpcPort === otlpPort ? 'otlp_port' : 'metrics_port'} (${grpcPort})`, 'use its own port, e.g. --grpc-port 4317, or --grpc-port off');
  }
  const maxBodyBytes = config.maxBodyBytes ?? COLLECTOR_DEFAULTS.maxBodyBytes;
  positiveInt('max_body_bytes', maxBodyBytes, 'set bytes, e.g. --max-body-bytes 16777216');
  const maxDecompressedBytes = config.maxDecompressedBytes ?? Math.max(COLLECTOR_DEFAULTS.maxDecompressedBytes, maxBodyBytes);
  positiveInt('max_decompressed_bytes', maxDecompressedBytes, 'set bytes, e.g. max_decompressed_bytes: 67108864');
  const maxConcurrentRequests = config.maxConcurrentRequests ?? COLLECTOR_DEFAULTS.maxConcurrentRequests;
  positiveInt('max_concurrent_requests', maxConcurrentRequests, 'set a whole number, e.g. max_concurrent_requests: 32');
  const bodyTimeoutMs = config.bodyTimeoutMs ?? COLLECTOR_DEFAULTS.bodyTimeoutMs;
  positiveInt('body_timeout_ms', bodyTimeoutMs, 'set milliseconds, e.g. body_timeout_ms: 30000');
  const readBufferBytes = config.readBufferBytes ?? Math.max(COLLECTOR_DEFAULTS.readBufferBytes, maxBodyBytes);
  positiveInt('read_buffer_bytes', readBufferBytes, 'set bytes, e.g. read_buffer_bytes: 134217728');
  if (readBufferBytes < maxBodyBytes) {
    throw new ConfigError('read_buffer_bytes', `(${readBufferBytes}) is smaller than max_body_bytes (${maxBodyBytes}), so the largest body could never be read`, `set read_buffer_bytes to at least ${maxBodyBytes}`);
  }
  const resendWindowMs = config.resendWindowMs ?? COLLECTOR_DEFAULTS.resendWindowMs;
  positiveInt('resend_window_ms', resendWindowMs, 'set milliseconds, e.g. resend_window_ms: 600000');
  const resendMemory = config.resendMemory ?? COLLECTOR_DEFAULTS.resendMemory;
  positiveInt('resend_memory', resendMemory, 'set a number of requests, e.g. resend_memory: 100000');
  const shutdownTimeoutMs = config.shutdownTimeoutMs ?? COLLECTOR_DEFAULTS.shutdownTimeoutMs;
  positiveInt('shutdown_timeout_ms', shutdownTimeoutMs, 'set milliseconds, e.g. 10000');
  const drainGraceMs = config.drainGraceMs ?? COLLECTOR_DEFAULTS.drainGraceMs;
  if (typeof drainGraceMs !== 'number' || !Number.isSafeInteger(drainGraceMs) || drainGraceMs < 0) {
    throw new ConfigError('drain_grace_ms', `must be a whole number of milliseconds >= 0, got ${shownValue(drainGraceMs)}`, 'set drain_grace_ms: 1000 (0 closes the port as soon as in-flight requests finished)');
  }
  if (config.authToken !== undefined && (typeof config.authToken !== 'string' || config.authToken.length < 8)) {
    throw new ConfigError('auth_token', 'must be a string of at least 8 characters', 'generate one with `openssl rand -hex 16` and pass it via OTEL_LLM_COST_AUTH_TOKEN');
  }
  if (config.metricsAuthToken !== undefined && (typeof config.metricsAuthToken !== 'string' || config.metricsAuthToken.length < 8)) {
    throw new ConfigError('metrics_auth_token', 'must be a string of at least 8 characters', 'generate one with `openssl rand -hex 16` and pass it via OTEL_LLM_COST_METRICS_AUTH_TOKEN');
  }
  const forward = config.forward === undefined ? undefined : checkForward(config.forward);
  const pipeline = validateOptions({ ...(config.pipeline ?? {}) });
  return { host, otlpPort, grpcPort, metricsPort, maxBodyBytes, maxDecompressedBytes, maxConcurrentRequests, bodyTimeoutMs, readBufferBytes, resendWindowMs, resendMemory, authToken: config.authToken, metricsAuthToken: config.metricsAuthToken, forward, shutdownTimeoutMs, drainGraceMs, pipeline };
}

function grpcPortOf(v: CollectorConfig['grpcPort']): number | undefined {
  if (v === false || (typeof v === 'string' && v.trim().toLowerCase() === 'off')) return undefined;
  if (v === undefined) return COLLECTOR_DEFAULTS.grpcPort;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) {
    throw new ConfigError('grpc_port', `must be a port number 0-65535 or off, got ${shownValue(v)}`, 'set --grpc-port 4317 (0 picks a free port; off disables OTLP/gRPC)');
  }
  return v;
}

function checkForward(f: ForwardConfig): ForwardConfig {
  let url: URL;
  try {
    url = new URL(String(f.endpoint));
  } catch {
    throw new ConfigError('forward.endpoint', `${JSON.stringify(f.endpoint)} is not a URL`, 'use the full traces URL, e.g. http://otel-collector:4318/v1/traces');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('forward.endpoint', `protocol ${url.protocol} is not supported`, 'use an http:// or https:// OTLP/HTTP endpoint');
  }
  if (f.headers !== undefined) {
    if (typeof f.headers !== 'object' || f.headers === null || Object.values(f.headers).some((v) => typeof v !== 'string')) {
      throw new ConfigError('forward.headers', 'must map header names to strings', "write headers: { 'x-api-key': '...' }");
    }
  }
  if (f.compression !== undefined && f.compression !== 'gzip' && f.compression !== 'none') {
    throw new ConfigError('forward.compression', `must be gzip or none, got ${shownValue(f.compression)}`, 'set compression: gzip');
  }
  for (const k of ['queueSize', 'queueBytes', 'concurrency', 'initialBackoffMs', 'maxBackoffMs', 'timeoutMs'] as const) {
    if (f[k] !== undefined) positiveInt(`forward.${snake(k)}`, f[k], `set a whole number, or remove forward.${snake(k)} for the default`);
  }
  if (f.maxRetries !== undefined && (typeof f.maxRetries !== 'number' || !Number.isSafeInteger(f.maxRetries) || f.maxRetries < 0)) {
    throw new ConfigError('forward.max_retries', `must be a whole number >= 0, got ${shownValue(f.maxRetries)}`, 'set max_retries: 5');
  }
  return f;
}

function snake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
