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
  let handler = handlers[pathname];
  if (handler === undefined && pathname.startsWith('/api/session/')) {
    const id = decodeURIComponent(pathname.slice('/api/session/'.length));
    handler = () => a.session(id) ?? null;
    try {
      const body = handler();
      return body === null ? { status: 404, body: { error: `no calls for session ${JSON.stringify(id)}` } } : { status: 200, body };
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

function errorResult(err: unknown): RouteResult {
  if (err instanceof QueryError || err instanceof URIError) return { status: 400, body: { error: err.message } };
  return { status: 500, body: { error: err instanceof Error ? err.message : String(err) } };
}
