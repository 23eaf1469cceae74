// `otel-llm-cost serve`: the collector from the command line. Settings: flags > env > YAML > defaults.
import { DiagConsoleLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config-error.js';
import { StoreError } from '../store/store-error.js';
import { argsErrorMessage } from './args.js';
import { collectorConfigFromRaw, startCollector } from '../collector/index.js';
import { tuneHeapForCollector } from '../collector/heap-tuning.js';
import { SERVE_ENV_VARS, configFromEnv, mergeLayers, parseInteger, parsePortOrOff, readYamlConfig } from '../collector/config-sources.js';
import { SERVE_DEFAULT_STORE } from './defaults.js';

export { SERVE_DEFAULT_STORE };

const HELP = `Usage: otel-llm-cost serve [options]

Receives OTLP traces (HTTP and gRPC) from apps in any language, prices their LLM calls, and
serves cost metrics for Prometheus.

  POST http://HOST:OTLP_PORT/v1/traces      application/x-protobuf or application/json, gzip ok
  gRPC HOST:GRPC_PORT TraceService/Export   OTLP/gRPC, gzip ok
  GET  http://HOST:METRICS_PORT/metrics     Prometheus text format
  GET  http://HOST:METRICS_PORT/healthz     200 while serving; 503 when degraded or shutting down
  GET  http://HOST:METRICS_PORT/            the usage page (cost by day, model, session; budgets)
  GET  http://HOST:METRICS_PORT/api/...     analytics JSON (bearer auth too when a token is set)

Options:
  --config FILE             YAML file with any setting below (snake_case) and the pipeline
                            options: prices, budgets, dimensions, timezone, ... (env OTEL_LLM_COST_CONFIG)
  --host ADDR               listen address (default 127.0.0.1: this machine only;
                            use --host 0.0.0.0 to accept apps on other hosts)
  --otlp-port N             OTLP/HTTP port (default 4318; 0 = any free port)
  --grpc-port N|off         OTLP/gRPC port (default 4317; 0 = any free port; off = no gRPC)
  --metrics-port N          metrics port (default 9464; 0 = any free port)
  --store PATH|:memory:     SQLite state file (default ${SERVE_DEFAULT_STORE})
  --max-body-bytes N        largest request body on the wire (default 16777216); 413 above
  --auth-token-env NAME     require "Authorization: Bearer <token>" on OTLP and /api/..., token read
                            from env var NAME (the usage page asks for it)
  --metrics-auth-token-env NAME
                            require a bearer token on /metrics too (its own), read from env var NAME
  --forward-endpoint URL    also send everything received to this OTLP/HTTP traces URL,
                            LLM spans annotated with llm.cost.usd and llm.priced
  --forward-compression C   gzip or none (default none)
  -h, --help                this help

Environment variables (flags win over them; they win over the YAML file):
${envVarTable()}

SIGTERM / SIGINT: stop accepting, finish in-flight requests, drain the forward queue,
flush the store, exit 0.`;

/** One line per variable; the column fits the longest name, so none runs into its text. */
function envVarTable(): string {
  const width = Math.max(...SERVE_ENV_VARS.map((v) => v.name.length)) + 2;
  return SERVE_ENV_VARS.map((v) => `  ${v.name.padEnd(width)}${v.help}`).join('\n');
}

const SERVE_OPTIONS = {
  config: { type: 'string' },
  host: { type: 'string' },
  'otlp-port': { type: 'string' },
  'grpc-port': { type: 'string' },
  'metrics-port': { type: 'string' },
  store: { type: 'string' },
  'max-body-bytes': { type: 'string' },
  'auth-token-env': { type: 'string' },
  'metrics-auth-token-env': { type: 'string' },
  'forward-endpoint': { type: 'string' },
  'forward-compression': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function flagLayer(values: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  if (str('host') !== undefined) raw.host = str('host');
  if (str('otlp-port') !== undefined) raw.otlp_port = parseInteger('--otlp-port', str('otlp-port')!);
  if (str('grpc-port') !== undefined) raw.grpc_port = parsePortOrOff('--grpc-port', str('grpc-port')!);
  if (str('metrics-port') !== undefined) raw.metrics_port = parseInteger('--metrics-port', str('metrics-port')!);
  if (str('store') !== undefined) raw.store = str('store');
  if (str('max-body-bytes') !== undefined) raw.max_body_bytes = parseInteger('--max-body-bytes', str('max-body-bytes')!);
  if (str('auth-token-env') !== undefined) raw.auth_token_env = str('auth-token-env');
  if (str('metrics-auth-token-env') !== undefined) raw.metrics_auth_token_env = str('metrics-auth-token-env');
  const forward: Record<string, unknown> = {};
  if (str('forward-endpoint') !== undefined) forward.endpoint = str('forward-endpoint');
  if (str('forward-compression') !== undefined) forward.compression = str('forward-compression');
  if (Object.keys(forward).length > 0) raw.forward = forward;
  return raw;
}

/** Runs the collector until SIGTERM/SIGINT. Returns the exit code (0 after a clean shutdown, 2 for bad config or a store it cannot use). */
export async function runServe(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: SERVE_OPTIONS }));
  } catch (err) {
    process.stderr.write(`otel-llm-cost serve: ${argsErrorMessage(err, SERVE_OPTIONS)}\nRun \`otel-llm-cost serve --help\` for all options.\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  tuneHeapForCollector();
  // Handlers go in before anything is printed or opened: a SIGTERM during start-up still
  // ends in a clean shutdown, never in the default kill.
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // Repeats while draining are ignored (kill -9 remains for a hard stop).
    process.stdout.write(signalled ? `otel-llm-cost serve: ${signal} again, still draining\n` : `otel-llm-cost serve: ${signal}, draining\n`);
    signalled = true;
    resolveStop();
  };
  let resolveStop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    resolveStop = resolve;
  });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  let collector: Awaited<ReturnType<typeof startCollector>>;
  try {
    const file = (values.config as string | undefined) ?? env.OTEL_LLM_COST_CONFIG;
    const raw = mergeLayers({ store: SERVE_DEFAULT_STORE }, file === undefined ? {} : readYamlConfig(file), configFromEnv(env), flagLayer(values));
    collector = await startCollector(collectorConfigFromRaw(raw, env));
  } catch (err) {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    if (err instanceof ConfigError || err instanceof StoreError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      process.stderr.write(`otel-llm-cost serve: cannot listen: ${(err as Error).message}. Fix: pick free ports with --otlp-port / --grpc-port / --metrics-port (or --grpc-port off)\n`);
      return 2;
    }
    throw err;
  }
  const c = collector.config;
  process.stdout.write(
    `otel-llm-cost serve: usage page on ${collector.pageUrl}
` +
    `otel-llm-cost serve: ${collector.grpcUrl === undefined ? 'OTLP/gRPC off' : `OTLP/gRPC traces on ${collector.grpcUrl}`},` +
      ` OTLP/HTTP traces on ${collector.otlpUrl}, metrics on ${collector.metricsUrl}` +
      ` (listening on ${c.host}, store ${c.pipeline.store ?? ':memory:'}${c.authToken ? ', bearer auth on' : ''}${c.forward ? `, forwarding to ${c.forward.endpoint}` : ''})\n`,
  );
  await stopped;
  await collector.close();
  // The handlers stay: a late repeat signal must not turn this clean exit into a kill.
  process.stdout.write('otel-llm-cost serve: stopped\n');
  return 0;
}
