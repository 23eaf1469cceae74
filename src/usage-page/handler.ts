// Serves the usage page (/, /page.js, /boot.js, /page.css) and the analytics API (/api/...) it reads.
// With a bearer token configured, every /api route requires it; the page asks for it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { analyticsRoute, badEncodingResult, badPercentEncoding } from '../analytics/http-api.js';
import type { CostAnalytics } from '../analytics/engine.js';
import { PageAssets } from './assets.js';

/**
 * Scripts, styles and requests only from this origin, nothing inline, no framing: a name from a
 * span that slipped into markup could still not run.
 */
export const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
  + "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'Content-Security-Policy': PAGE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export interface UsageHandlerOptions {
  /** The engine whose analytics the API answers; undefined when analytics are off (the API then answers 404). */
  engine: () => CostAnalytics | undefined;
  /** Bearer token every /api request must carry; undefined = none. */
  authToken?: string;
  /** Where this process takes OTLP (the collector), for the page's "how to send spans"; undefined in-process. */
  intake?: () => IntakeUrls | undefined;
}

export interface IntakeUrls {
  /** e.g. http://127.0.0.1:4318/v1/traces */
  otlpUrl: string;
  /** e.g. http://127.0.0.1:4317; undefined when gRPC is off. */
  grpcUrl?: string;
}

const INTAKE_MARK = /<!--intake:[^>]*-->/;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page with the empty state's first bullet naming this collector's real OTLP addresses (none in-process). */
function withIntake(html: Buffer, intake: IntakeUrls | undefined): Buffer {
  const text = html.toString('utf8');
  let item = '';
  if (intake !== undefined) {
    const grpc = intake.grpcUrl === undefined ? '' : `, or over OTLP/gRPC: <code>OTEL_EXPORTER_OTLP_ENDPOINT=${escapeHtml(intake.grpcUrl)}</code>`;
    item = `<li>Point any app's OpenTelemetry trace exporter at this collector over OTLP/HTTP: <code>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${escapeHtml(intake.otlpUrl)}</code>${grpc}</li>`;
  }
  return Buffer.from(text.replace(INTAKE_MARK, item), 'utf8');
}

/** Handles the request when it is the page's or the API's (returns true), else leaves it (false). */
export type UsageHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export function createUsageHandler(opts: UsageHandlerOptions): UsageHandler {
  const assets = new PageAssets();
  const tokenDigest = opts.authToken === undefined ? undefined : digest(opts.authToken);
  const authorized = (req: IncomingMessage): boolean => {
    if (tokenDigest === undefined) return true;
    const m = /^Bearer\s+(.+)$/i.exec((req.headers.authorization ?? '').trim());
    return m !== null && timingSafeEqual(digest(m[1]!), tokenDigest);
  };
  return (req, res, url) => {
    const path = url.pathname;
    if (path.startsWith('/api/')) {
      if (!authorized(req)) {
        sendJson(res, 401, { error: 'missing or wrong bearer token' }, { 'WWW-Authenticate': 'Bearer' });
        return true;
      }
      const engine = opts.engine();
      const bad = engine === undefined ? undefined : badPercentEncoding(path, url.search);
      const answer = engine === undefined ? undefined : bad !== undefined ? badEncodingResult(bad) : analyticsRoute(engine, path, url.searchParams);
      if (answer === undefined) return false;
      sendJson(res, answer.status, answer.body);
      return true;
    }
    const name = path === '/' ? 'index.html' : path.slice(1);
    const asset = assets.get(name);
    if (asset === undefined) return false;
    const body = name === 'index.html' ? withIntake(asset.body, opts.intake?.()) : asset.body;
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': asset.contentType, 'Content-Length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
