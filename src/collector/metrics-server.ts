// The collector's second port: /metrics (Prometheus text), /healthz, and /api/... (analytics JSON).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { BearerCheck } from './bearer-token.js';
import type { HealthReport } from './health.js';
import type { UsageHandler } from '../usage-page/handler.js';

/** An analytics route: { status, body } for a path it serves, undefined otherwise. */
export type ApiRoute = (pathname: string, query: URLSearchParams) => { status: number; body: unknown } | undefined | Promise<{ status: number; body: unknown } | undefined>;

export interface MetricsHandlerOptions {
  exporter: PrometheusExporter;
  api: ApiRoute | undefined;
  /** The usage page at / and the API it reads (bearer auth of its own); tried before `api`. */
  page?: UsageHandler;
  /** Checks the bearer token of GET /metrics; undefined = open. /healthz is always open (probes). */
  metricsAuth?: BearerCheck;
  /** Health: anything but ok answers 503, so a load balancer stops sending. */
  health: () => HealthReport;
  onInternalError: (err: unknown) => void;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export function createMetricsHandler(opts: MetricsHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        sendJson(res, 405, { error: `method ${req.method ?? '?'} not allowed` });
        return;
      }
      if (url.pathname === '/metrics') {
        if (opts.metricsAuth !== undefined && !opts.metricsAuth(req.headers.authorization)) {
          res.setHeader('WWW-Authenticate', 'Bearer');
          sendJson(res, 401, { error: 'missing or wrong bearer token (metrics_auth_token)' });
          return;
        }
        opts.exporter.getMetricsRequestHandler(req, res);
        return;
      }
      if (url.pathname === '/healthz') {
        const report = opts.health();
        sendJson(res, report.status === 'ok' ? 200 : 503, report);
        return;
      }
      if (opts.page !== undefined && opts.page(req, res, url)) return;
      if (url.pathname.startsWith('/api/') && opts.api !== undefined) {
        const answer = await opts.api(url.pathname, url.searchParams);
        if (answer !== undefined) {
          sendJson(res, answer.status, answer.body);
          return;
        }
      }
      sendJson(res, 404, { error: 'not found', paths: ['/', '/metrics', '/healthz', '/api/...'] });
    } catch (err) {
      opts.onInternalError(err);
      sendJson(res, 500, { error: 'internal error' });
    }
  };
}
