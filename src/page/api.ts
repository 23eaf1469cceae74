// Requests to the collector's analytics API (same origin), with the bearer token the user gave
// (kept in sessionStorage: this tab only, gone when it closes).
export type { UsageBudget, UsageView } from '../analytics/usage.js';
export type { BreakdownPage } from '../analytics/query-types.js';
export type { BudgetOutlook } from '../analytics/budget-outlook.js';
export type { DailyBySeries } from '../analytics/daily-by.js';
export type { BreakdownRow, DimensionRow, ModelRow, TopEntry, DailyRow } from '../analytics/query-types.js';

const TOKEN_KEY = 'otel-llm-cost.token';

/** The API refused the token (or none was given). */
export class AuthRequired extends Error {}

export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export function hasToken(): boolean {
  return sessionStorage.getItem(TOKEN_KEY) !== null;
}

/** Starts a GET of path (relative to the page) with the token, if one was given. */
export function request(path: string, params: Record<string, string | number>): Promise<Response> {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const token = sessionStorage.getItem(TOKEN_KEY);
  return fetch(`${path}?${qs}`, {
    headers: token === null ? {} : { Authorization: `Bearer ${token}` },
    cache: 'no-store',
  });
}

/** A response's JSON body; throws AuthRequired on 401 and Error on other failures. */
export async function readJson<T>(path: string, res: Response): Promise<T> {
  if (res.status === 401) throw new AuthRequired('the API asks for a bearer token');
  const body = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const msg = typeof body === 'object' && body !== null && 'error' in body ? String((body as { error: unknown }).error) : res.statusText;
    throw new Error(`${path}: ${res.status} ${msg}`);
  }
  return body as T;
}

/** GET path (relative to the page), JSON in; throws AuthRequired on 401 and Error on other failures. */
export async function getJson<T>(path: string, params: Record<string, string | number>): Promise<T> {
  return readJson<T>(path, await request(path, params));
}

/** The first range the page shows, which boot.js asks for before page.js has loaded. */
export const FIRST_USAGE = { hours: 24, days: 30 } as const;

/** Where boot.js leaves its request of FIRST_USAGE for page.js. */
export interface EarlyUsage {
  otelLlmCostFirstUsage?: Promise<Response>;
}
