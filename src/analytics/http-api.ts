// JSON routes of the analytics API, served by the collector on its metrics port.
import { QueryError } from './query-api.js';
import type { CostAnalytics } from './engine.js';

export interface RouteResult {
  status: number;
  body: unknown;
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+(\.\d+)?$/.test(raw)) throw new QueryError(`${name} must be a number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function strParam(query: URLSearchParams, name: string): string | undefined {
  const raw = query.get(name);
  return raw === null || raw === '' ? undefined : raw;
}

/** Answers /api/... paths; undefined for paths it does not serve. Bad parameters give 400. */
export function analyticsRoute(engine: CostAnalytics, pathname: string, query: URLSearchParams): RouteResult | undefined {
  const a = engine.analytics;
  const handlers: Record<string, () => unknown> = {
    '/api/summary': () => ({ text: a.summary() }),
    '/api/by-model': () => a.byModel({ hours: intParam(query, 'hours') }),
    '/api/daily': () => a.daily({ days: intParam(query, 'days'), timezone: strParam(query, 'timezone') }),
    '/api/daily-by': () => a.dailyBy({
      dimension: strParam(query, 'dimension') as 'model' | 'provider' | undefined,
      days: intParam(query, 'days'),
      top: intParam(query, 'top'),
    }),
    '/api/usage': () => a.usage({ hours: intParam(query, 'hours'), days: intParam(query, 'days'), top: intParam(query, 'top') }),
    '/api/top-sessions': () => a.topSessions({ n: intParam(query, 'n') }),
    '/api/top-users': () => a.topUsers({ n: intParam(query, 'n') }),
    '/api/trend': () => a.trend({
      metric: strParam(query, 'metric') as 'cost' | 'tokens' | 'calls' | undefined,
      days: intParam(query, 'days'),
      window: intParam(query, 'window'),
    }),
    '/api/budgets': () => a.budgets(),
    '/api/breakdown': () => a.breakdown({ sessionId: strParam(query, 'session'), hours: intParam(query, 'hours'), limit: intParam(query, 'limit'), cursor: strParam(query, 'cursor') }),
  };
  const handler = handlers[pathname];
  if (handler === undefined && pathname.startsWith('/api/session/')) {
    try {
      const id = decodeURIComponent(pathname.slice('/api/session/'.length));
      const body = a.session(id);
      return body === undefined ? { status: 404, body: { error: `no calls for session ${JSON.stringify(id)}` } } : { status: 200, body };
    } catch (err) {
      return errorResult(err);
    }
  }
  if (handler === undefined) return undefined;
  try {
    return { status: 200, body: handler() };
  } catch (err) {
    return errorResult(err);
  }
}

/**
 * The first escape in a request path or query that is not percent-encoded UTF-8 (`%E0%A4%A`,
 * `%ZZ`), or undefined. URLSearchParams decodes such bytes into U+FFFD without a word, which
 * would look up a session or cursor nobody sent: the API refuses them instead.
 */
export function badPercentEncoding(pathname: string, search: string): string | undefined {
  for (const part of [...pathname.split('/'), ...search.replace(/^\?/, '').split(/[&=]/)]) {
    try {
      decodeURIComponent(part);
    } catch {
      return part;
    }
  }
  return undefined;
}

/** The 400 answer for a request badPercentEncoding() refused. */
export function badEncodingResult(part: string): RouteResult {
  return { status: 400, body: { error: `bad percent-encoding in ${JSON.stringify(part)}: not UTF-8 percent-encoded; encode ids and parameters with encodeURIComponent` } };
}

function errorResult(err: unknown): RouteResult {
  if (err instanceof URIError) return { status: 400, body: { error: 'bad percent-encoding in the session id; encode it with encodeURIComponent' } };
  if (err instanceof QueryError) return { status: 400, body: { error: err.message } };
  return { status: 500, body: { error: err instanceof Error ? err.message : String(err) } };
}
