// startCollector(): the OTLP/HTTP and OTLP/gRPC receivers, the metrics port and the shared pipeline,
// wired together; close() drains and flushes. The CLI (`otel-llm-cost serve`) is a thin shell on this.
import { diag } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { HistogramProducer } from '../metrics/histogram-producer.js';
import { llmCostViews } from '../metrics/views.js';
import { CostPipeline } from '../pipeline.js';
import { importPrometheusExporter } from '../optional-peer.js';
import { METER_NAME } from '../semconv.js';
import { VERSION } from '../version.js';
import { resolveCollectorConfig } from './config.js';
import type { CollectorConfig, ResolvedCollectorConfig } from './config.js';
import { bearerCheck } from './bearer-token.js';
import { ByteBudget } from './byte-budget.js';
import { Forwarder } from './forwarder.js';
import { startGrpcReceiver } from './grpc-receiver.js';
import type { RunningGrpcReceiver } from './grpc-receiver.js';
import { CollectorHealth } from './health.js';
import { ResendMemory } from './resend-memory.js';
import { listen } from './http-server.js';
import { createMetricsHandler } from './metrics-server.js';
import { TRACES_PATH, createOtlpHandler } from './receiver.js';
import { createUsageHandler } from '../usage-page/handler.js';
import type { IntakeUrls } from '../usage-page/handler.js';

export interface RunningCollector {
  /** Where apps send traces, e.g. http://127.0.0.1:4318/v1/traces. */
  otlpUrl: string;
  /** Where gRPC apps send traces, e.g. http://127.0.0.1:4317 (OTEL_EXPORTER_OTLP_ENDPOINT); undefined when off. */
  grpcUrl: string | undefined;
  /** The Prometheus scrape URL, e.g. http://127.0.0.1:9464/metrics. */
  metricsUrl: string;
  /** The usage page, e.g. http://127.0.0.1:9464/ */
  pageUrl: string;
  /** The settings in effect (defaults applied). */
  config: ResolvedCollectorConfig;
  /** Stops accepting, drains in-flight requests and the forward queue, flushes the store. Idempotent. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** Validates `config` (throws ConfigError), opens the store and both ports. */
export async function startCollector(config: CollectorConfig = {}): Promise<RunningCollector> {
  const cfg = resolveCollectorConfig(config);
  const log = diag.createComponentLogger({ namespace: `${METER_NAME}/collector` });
  let internalErrors = 0;
  const onInternalError = (err: unknown): void => {
    internalErrors++;
    if (internalErrors <= 10 || internalErrors % 1000 === 0) log.error(`internal error #${internalErrors}`, err);
  };

  // The collector owns its reader, so its histograms skip the SDK's per-record cost.
  const { PrometheusExporter } = await importPrometheusExporter('the collector (otel-llm-cost serve)');
  const histograms = new HistogramProducer({ name: METER_NAME, version: VERSION });
  const exporter = new PrometheusExporter({ preventServerStart: true, metricProducers: [histograms] });
  const meterProvider = new MeterProvider({
    views: llmCostViews({ cardinalityLimit: cfg.pipeline.cardinalityLimit }),
    readers: [exporter],
  });
  const pipeline = new CostPipeline({ genAiMetrics: true, ...cfg.pipeline, meterProvider }, { histograms });
  const forwarder = cfg.forward === undefined ? undefined : new Forwarder(cfg.forward, (reason, spans) => pipeline.countDropped(reason, spans));

  const health = new CollectorHealth();
  health.addCheck(() => pipeline.engine?.storeProblem());
  const readBudget = new ByteBudget(cfg.readBufferBytes);
  const resends = new ResendMemory({ windowMs: cfg.resendWindowMs, maxEntries: cfg.resendMemory });
  const servers: Awaited<ReturnType<typeof listen>>[] = [];
  // Known once every receiver listens (ports may be 0 = any); the usage page names them.
  const intake: { urls?: IntakeUrls } = {};
  let grpc: RunningGrpcReceiver | undefined;
  try {
    servers.push(
      await listen(
        cfg.host,
        cfg.otlpPort,
        createOtlpHandler({
          sink: pipeline,
          limits: { maxBodyBytes: cfg.maxBodyBytes, maxDecompressedBytes: cfg.maxDecompressedBytes, bodyTimeoutMs: cfg.bodyTimeoutMs },
          readBudget,
          authToken: cfg.authToken,
          maxConcurrentRequests: cfg.maxConcurrentRequests,
          forwarder,
          resends,
          isDraining: () => health.draining,
          onInternalError,
          onBusy: () => health.markBusy(),
        }),
        onInternalError,
        { requestTimeoutMs: cfg.bodyTimeoutMs + 30_000 },
      ),
    );
    servers.push(
      await listen(
        cfg.host,
        cfg.metricsPort,
        createMetricsHandler({
          exporter,
          api: undefined,
          page: createUsageHandler({ engine: () => pipeline.engine, authToken: cfg.authToken, intake: () => intake.urls }),
          health: () => health.report(),
          metricsAuth: bearerCheck(cfg.metricsAuthToken),
          onInternalError,
        }),
        onInternalError,
      ),
    );
    if (cfg.grpcPort !== undefined) {
      grpc = await startGrpcReceiver({
        host: cfg.host,
        port: cfg.grpcPort,
        sink: pipeline,
        limits: { maxWireBytes: cfg.maxBodyBytes, maxDecompressedBytes: cfg.maxDecompressedBytes },
        readBudget,
        maxConcurrentCalls: cfg.maxConcurrentRequests,
        readTimeoutMs: cfg.bodyTimeoutMs,
        authToken: cfg.authToken,
        forwarder,
        resends,
        isDraining: () => health.draining,
        onInternalError,
        onBusy: () => health.markBusy(),
      });
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.close(0)));
    await pipeline.shutdown();
    await meterProvider.shutdown();
    throw err;
  }
  const [otlp, metricsSrv] = servers as [(typeof servers)[0], (typeof servers)[0]];

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      health.draining = true;
      await Promise.all([otlp.close(cfg.shutdownTimeoutMs, cfg.drainGraceMs), grpc?.close(cfg.shutdownTimeoutMs)]);
      if (forwarder !== undefined) await forwarder.drain(cfg.shutdownTimeoutMs);
      await pipeline.shutdown();
      await metricsSrv.close(1000);
      await meterProvider.shutdown();
    })();
    return closing;
  };

  intake.urls = {
    otlpUrl: `http://${urlHost(cfg.host)}:${otlp.port}${TRACES_PATH}`,
    grpcUrl: grpc === undefined ? undefined : `http://${urlHost(cfg.host)}:${grpc.port}`,
  };
  return {
    otlpUrl: intake.urls.otlpUrl,
    grpcUrl: intake.urls.grpcUrl,
    metricsUrl: `http://${urlHost(cfg.host)}:${metricsSrv.port}/metrics`,
    pageUrl: `http://${urlHost(cfg.host)}:${metricsSrv.port}/`,
    config: { ...cfg, otlpPort: otlp.port, grpcPort: grpc?.port, metricsPort: metricsSrv.port },
    close,
  };
}

export { COLLECTOR_DEFAULTS, collectorConfigFromRaw, resolveCollectorConfig } from './config.js';
export type { CollectorConfig, ResolvedCollectorConfig } from './config.js';
export type { ForwardConfig } from './forwarder.js';
