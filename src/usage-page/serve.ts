// serveUsagePage(processor): the usage page for an in-process app, on a port of its own
// (127.0.0.1 unless told otherwise). The collector serves the same page on its metrics port.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { diag } from '@opentelemetry/api';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { LlmCostSpanProcessor } from '../processor.js';
import { createUsageHandler, sendJson } from './handler.js';

export interface UsagePageOptions {
  /** Port to listen on; 0 picks a free one. Default: 9465 (9464 is the Prometheus exporter's). */
  port?: number;
  /** Address to listen on. Default: '127.0.0.1' (this machine only); '0.0.0.0' opens it to the network. */
  host?: string;
  /** Bearer token the page's API requests must carry (the page asks for it). Default: none. */
  authToken?: string;
  /** Also serve this exporter's metrics at /metrics on the same port. Default: none. */
  prometheusExporter?: PrometheusExporter;
}

export interface UsagePageServer {
  /** The page's address, e.g. http://127.0.0.1:9465/ */
  url: string;
  port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Serves the usage page of `processor` (which must keep analytics, the default). Resolves once
 * listening; rejects when the port is taken. Off unless called.
 */
export async function serveUsagePage(processor: LlmCostSpanProcessor, options: UsagePageOptions = {}): Promise<UsagePageServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 9465;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`serveUsagePage: port must be an integer from 0 to 65535, got ${JSON.stringify(options.port)}`);
  if (processor.pipeline.engine === undefined) throw new Error('serveUsagePage: the processor keeps no analytics (analytics: false); remove that option');
  const log = diag.createComponentLogger({ namespace: 'otel-llm-cost/usage-page' });
  const handle = createUsageHandler({ engine: () => processor.pipeline.engine, authToken: options.authToken });
  const exporter = options.prometheusExporter;
  const server = createServer((req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(res, 405, { error: `method ${req.method ?? '?'} not allowed` }, { Allow: 'GET, HEAD' });
        return;
      }
      if (exporter !== undefined && url.pathname === '/metrics') {
        exporter.getMetricsRequestHandler(req, res);
        return;
      }
      if (!handle(req, res, url)) sendJson(res, 404, { error: 'not found' });
    } catch (err) {
      log.error('usage page request failed', err);
      sendJson(res, 500, { error: 'internal error' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${urlHost(host)}:${bound}/`,
    port: bound,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
