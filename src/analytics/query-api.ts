// processor.analytics: read-only queries over the windows, sketches, budgets and ledger.
import { addTotals, emptyTotals, meanDurationMs, totalTokens } from './aggregate.js';
import type { Totals } from './aggregate.js';
import { HOUR_MS, HOUR_RETENTION_MS, MINUTE_MS, parseSeriesKey } from './windows.js';
import type { Bucket, Resolution, TimeWindows } from './windows.js';
import { dayNumberToDate, isValidTimezone, localDayNumber } from './timezone.js';
import type { SpaceSaving } from './space-saving.js';
import type { BudgetStatus } from './budget-tracker.js';
import type { BudgetPeriodDays } from './usage.js';
import type { CostStore } from '../store/cost-store.js';
import type { LedgerCall } from '../store/rows.js';
import { decodeCursor, encodeCursor } from './breakdown-cursor.js';
import type { AnalyticsApi, BreakdownRow, DailyRow, Dimension, DimensionRow, ModelRow, TopEntry, TotalsView, TrendPoint } from './query-types.js';
import { summaryText } from './summary-text.js';
import { dailyBy } from './daily-by.js';
import { usageView } from './usage.js';
import { rankTop } from './top-ranking.js';
import type { ExactFigures } from './top-ranking.js';

import { QueryError } from './query-error.js';

export { QueryError } from './query-error.js';

export type { AnalyticsApi, BreakdownPage, BreakdownQuery, BreakdownRow, DailyRow, Dimension, DimensionRow, ModelRow, ScoreTierRow, SessionView, TopEntry, TotalsView, TrendPoint } from './query-types.js';

export interface QuerySources {
  windows: TimeWindows;
  sessions: SpaceSaving;
  users: SpaceSaving;
  store: CostStore;
  timezone: string;
  clock: () => number;
  budgets: () => BudgetStatus[];
  /** Spend per local day of each calendar budget's current period, by budget name (BudgetTracker.periodDays). */
  budgetPeriodDays: () => ReadonlyMap<string, BudgetPeriodDays>;
  /** Writes pending calls so ledger queries see them. */
  flushPending: () => void;
  /** Epoch ms from which the ledger still holds every call (its retention). */
  ledgerFromMs: () => number;
}

function int(name: string, v: unknown, dflt: number, min: number, max: number): number {
  const n = v === undefined ? dflt : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new QueryError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

function num(name: string, v: unknown, dflt: number, min: number, max: number): number {
  const n = v === undefined ? dflt : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
    throw new QueryError(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

export function view(t: Totals): TotalsView {
  return {
    calls: t.calls,
    pricedCalls: t.pricedCalls,
    unpricedCalls: t.calls - t.pricedCalls,
    errors: t.errors,
    costUsd: t.costUsd,
    inputTokens: t.inputTokens,
    cacheReadTokens: t.cacheReadTokens,
    cacheWriteTokens: t.cacheWriteTokens,
    outputTokens: t.outputTokens,
    reasoningTokens: t.reasoningTokens,
    totalTokens: totalTokens(t),
    avgDurationMs: meanDurationMs(t),
    avgCostPerCallUsd: t.pricedCalls > 0 ? t.costUsd / t.pricedCalls : null,
  };
}

/** Totals of a group of window buckets, with the cache savings the buckets also keep. */
type Group = Totals & { cacheSavingsUsd: number };

function emptyGroup(): Group {
  return { ...emptyTotals(), cacheSavingsUsd: 0 };
}

function addBucket(g: Group, b: Bucket | Group): void {
  addTotals(g, b);
  g.cacheSavingsUsd += b.cacheSavingsUsd;
}

function groupView(g: Group): TotalsView & { cacheSavingsUsd: number } {
  return { ...view(g), cacheSavingsUsd: g.cacheSavingsUsd };
}

const byCost = (a: TotalsView, b: TotalsView): number => b.costUsd - a.costUsd || b.calls - a.calls;

export function createAnalyticsApi(src: QuerySources): AnalyticsApi {
  /**
   * Bucket ranges covering the last `hours` at minute precision up to 48 h (whole hours from
   * hour buckets, the partial first hour from minute buckets), hour precision up to 35 days,
   * then local days. Past 48 h the whole local days come from day buckets, 24 times fewer than
   * their hours: /api/usage?hours=720 over 200 series read 144,000 hour buckets (281 ms at 1M
   * calls, bench/usage-page.bench.ts) where it now reads about 11,000.
   */
  function recent(hours: number): { res: Resolution; from: number; to: number }[] {
    const from = src.clock() - hours * HOUR_MS;
    if (hours <= 48) {
      const fromMinute = from - (from % MINUTE_MS);
      const firstHour = fromMinute % HOUR_MS === 0 ? fromMinute : fromMinute - (fromMinute % HOUR_MS) + HOUR_MS;
      return [{ res: 'm', from: fromMinute, to: firstHour }, { res: 'h', from: firstHour, to: Number.POSITIVE_INFINITY }];
    }
    const calendar = src.windows.calendar;
    if (hours * HOUR_MS > HOUR_RETENTION_MS) return [{ res: 'd', from: calendar.dayNumber(from), to: Number.POSITIVE_INFINITY }];
    const fromHour = from - (from % HOUR_MS);
    let firstDay = calendar.dayNumber(fromHour);
    if (calendar.startOf(firstDay) < fromHour) firstDay++;
    const dayStart = calendar.startOf(firstDay);
    // A zone whose days start off the hour (UTC+05:30...) cannot split at a day: hours only.
    if (dayStart % HOUR_MS !== 0) return [{ res: 'h', from: fromHour, to: Number.POSITIVE_INFINITY }];
    return [{ res: 'h', from: fromHour, to: dayStart }, { res: 'd', from: firstDay, to: Number.POSITIVE_INFINITY }];
  }

  /**
   * Groups the buckets of the last `hours` by each of `keyOfs`: one pass adds the buckets up per
   * series, then each series' sum goes to its group of each key (a few hundred series, where the
   * buckets are thousands: adding each bucket to three groups made usage() 3x slower).
   */
  function grouped(hours: number, keyOfs: readonly ((series: string) => string)[]): Map<string, Group>[] {
    const perSeries = new Map<string, Group>();
    for (const { res, from, to } of recent(hours)) for (const b of src.windows.range(res, from, to)) {
      let g = perSeries.get(b.series);
      if (g === undefined) {
        g = emptyGroup();
        perSeries.set(b.series, g);
      }
      addBucket(g, b);
    }
    return keyOfs.map((keyOf) => {
      const groups = new Map<string, Group>();
      for (const [series, sum] of perSeries) {
        const key = keyOf(series);
        let g = groups.get(key);
        if (g === undefined) {
          g = emptyGroup();
          groups.set(key, g);
        }
        addBucket(g, sum);
      }
      return groups;
    });
  }

  const SEP = '\u001f';
  const modelKey = (s: string): string => {
    const l = parseSeriesKey(s);
    return l.provider + SEP + (l.responseModel || l.requestModel);
  };
  const pickers: Record<Dimension, (s: string) => string> = {
    model: (s) => { const l = parseSeriesKey(s); return l.responseModel || l.requestModel; },
    provider: (s) => parseSeriesKey(s).provider,
    service: (s) => parseSeriesKey(s).service,
    agent: (s) => parseSeriesKey(s).agent,
  };

  function modelRows(groups: Map<string, Group>): ModelRow[] {
    const rows: ModelRow[] = [];
    for (const [key, t] of groups) {
      const [provider = '', model = ''] = key.split(SEP);
      rows.push({ provider, model, ...groupView(t) });
    }
    return rows.sort(byCost);
  }

  function dimensionRows(groups: Map<string, Group>): DimensionRow[] {
    return [...groups].map(([key, t]) => ({ key, ...groupView(t) })).sort(byCost);
  }

  function daily(q: { days?: number; timezone?: string } = {}): DailyRow[] {
    const days = int('days', q.days, 7, 1, 3660);
    const tz = q.timezone ?? src.timezone;
    if (typeof tz !== 'string' || !isValidTimezone(tz)) throw new QueryError(`unknown timezone ${JSON.stringify(q.timezone)}`);
    const now = src.clock();
    const today = localDayNumber(now, tz);
    const first = today - days + 1;
    const perDay = new Map<number, Group>();
    const slot = (d: number): Group => {
      let t = perDay.get(d);
      if (t === undefined) {
        t = emptyGroup();
        perDay.set(d, t);
      }
      return t;
    };
    if (tz === src.timezone) {
      for (const b of src.windows.range('d', first, today + 1)) addBucket(slot(b.bucket), b);
    } else {
      // Another timezone: regroup hour buckets (kept 35 days) by that timezone's local day.
      const firstStart = now - (today - first + 2) * 24 * HOUR_MS;
      if (now - firstStart > HOUR_RETENTION_MS) {
        throw new QueryError(`daily() in a timezone other than the store's (${src.timezone}) covers at most 35 days; ask for fewer days or use ${src.timezone}`);
      }
      const dayOfHour = new Map<number, number>();
      for (const b of src.windows.range('h', firstStart - (firstStart % HOUR_MS), Number.POSITIVE_INFINITY)) {
        let d = dayOfHour.get(b.bucket);
        if (d === undefined) {
          d = localDayNumber(b.bucket, tz);
          dayOfHour.set(b.bucket, d);
        }
        if (d >= first && d <= today) addBucket(slot(d), b);
      }
    }
    const rows: DailyRow[] = [];
    for (let d = first; d <= today; d++) rows.push({ date: dayNumberToDate(d), ...groupView(perDay.get(d) ?? emptyGroup()) });
    return rows;
  }

  /** Exact cost, calls and unpriced calls of sessions from the ledger (its session index: one look-up each). */
  function sessionCosts(ids: readonly string[]): ReadonlyMap<string, ExactFigures> {
    if (ids.length === 0) return new Map();
    src.flushPending();
    return src.store.sessionTotals(ids);
  }

  function top(sketch: SpaceSaving, q: { n?: number } = {}, exactOf?: typeof sessionCosts): TopEntry[] {
    const n = int('n', q.n, 10, 1, sketch.capacity);
    return rankTop({ entries: sketch.top(sketch.size), full: sketch.full, n, exactOf, exactFromMs: src.ledgerFromMs() });
  }

  const api: AnalyticsApi = {
    byModel(q = {}) {
      const hours = num('hours', q.hours, 24, 1 / 60, 24 * 3660);
      return modelRows(grouped(hours, [modelKey])[0]!);
    },
    by(q) {
      const hours = num('hours', q.hours, 24, 1 / 60, 24 * 3660);
      const pick = pickers[q.dimension];
      if (pick === undefined) throw new QueryError(`dimension must be one of model, provider, service, agent, got ${JSON.stringify(q.dimension)}`);
      return dimensionRows(grouped(hours, [pick])[0]!);
    },
    daily,
    dailyBy(q = {}) {
      const dimension = q.dimension ?? 'model';
      if (dimension !== 'model' && dimension !== 'provider') throw new QueryError(`dimension must be model or provider, got ${JSON.stringify(dimension)}`);
      return dailyBy(src, dimension, int('days', q.days, 30, 1, 3660), int('top', q.top, 8, 1, 50));
    },
    usage(q = {}) {
      const hours = num('hours', q.hours, 24, 1 / 60, 24 * 3660);
      const days = int('days', q.days, 30, 1, 3660);
      const top = int('top', q.top, 50, 1, 500);
      // byModel(), by service and by agent in one pass over the range's buckets.
      const [models, services, agents] = grouped(hours, [modelKey, pickers.service, pickers.agent]);
      return usageView(api, src.clock(), src.timezone, { hours, days, top }, {
        models: modelRows(models!), services: dimensionRows(services!), agents: dimensionRows(agents!),
      }, src.budgetPeriodDays());
    },
    topSessions: (q) => top(src.sessions, q, sessionCosts),
    topUsers: (q) => top(src.users, q),
    trend(q = {}) {
      const metric = q.metric ?? 'cost';
      if (metric !== 'cost' && metric !== 'tokens' && metric !== 'calls') throw new QueryError(`metric must be cost, tokens or calls, got ${JSON.stringify(metric)}`);
      const days = int('days', q.days, 14, 1, 3660);
      const window = int('window', q.window, 7, 1, 365);
      const rows = daily({ days: days + window - 1 });
      const values = rows.map((r) => (metric === 'cost' ? r.costUsd : metric === 'tokens' ? r.totalTokens : r.calls));
      const points: TrendPoint[] = [];
      for (let i = window - 1; i < rows.length; i++) {
        let s = 0;
        for (let j = i - window + 1; j <= i; j++) s += values[j] as number;
        points.push({ date: (rows[i] as DailyRow).date, value: values[i] as number, movingAverage: s / window });
      }
      return { metric, window, points };
    },
    budgets: () => src.budgets(),
    summary: () => summaryText(api, src.clock(), src.timezone),
    breakdown(q = {}) {
      const hours = num('hours', q.hours, 24, 1 / 60, 24 * 3660);
      const limit = int('limit', q.limit, 100, 1, 1000);
      if (q.sessionId !== undefined && typeof q.sessionId !== 'string') throw new QueryError(`sessionId must be a string, got ${JSON.stringify(q.sessionId)}`);
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      src.flushPending();
      const page = src.store.page({ fromMs: src.clock() - hours * HOUR_MS, sessionId: q.sessionId, after, limit });
      return { rows: page.calls.map(breakdownRow), nextCursor: page.next === undefined ? null : encodeCursor(page.next) };
    },
    session(id) {
      if (typeof id !== 'string' || id === '') throw new QueryError('session id must be a non-empty string');
      src.flushPending();
      const s = src.store.session(id);
      if (s === undefined) return undefined;
      const { firstMs, lastMs, models, ...totals } = s;
      return { id, ...view(totals), models, firstMs, lastMs };
    },
    costByScoreTier(scores) {
      const entries: [string, readonly string[]][] = scores instanceof Map ? [...(scores as ReadonlyMap<string, readonly string[]>)] : Object.entries(scores as Record<string, readonly string[]>);
      src.flushPending();
      return entries.map(([tier, ids]) => {
        const unique = [...new Set(ids)];
        const totals = src.store.sessionTotals(unique);
        let costUsd = 0, calls = 0, withCalls = 0;
        for (const t of totals.values()) {
          costUsd += t.costUsd;
          calls += t.calls;
          if (t.calls > 0) withCalls++;
        }
        return { tier: String(tier), sessions: unique.length, sessionsWithCalls: withCalls, calls, costUsd, avgCostPerSessionUsd: withCalls > 0 ? costUsd / withCalls : null };
      });
    },
  };
  return api;
}

function breakdownRow(c: LedgerCall): BreakdownRow {
  const inputSide = (c.inputCost ?? 0) + (c.cacheReadCost ?? 0) + (c.cacheWriteCost ?? 0);
  return {
    timeMs: c.tsMs,
    traceId: c.traceId,
    spanId: c.spanId,
    sessionId: c.sessionId,
    provider: c.provider,
    model: c.responseModel ?? c.requestModel,
    priced: c.priced,
    inputCostUsd: c.inputCost,
    cacheReadCostUsd: c.cacheReadCost,
    cacheWriteCostUsd: c.cacheWriteCost,
    outputCostUsd: c.outputCost,
    reasoningCostUsd: c.reasoningCost,
    totalCostUsd: c.costUsd,
    inputTokens: c.inputTokens,
    cacheReadTokens: c.cacheReadTokens,
    cacheWriteTokens: c.cacheWriteTokens,
    outputTokens: c.outputTokens,
    reasoningTokens: c.reasoningTokens,
    cacheReadCostShare: c.priced && inputSide > 0 ? (c.cacheReadCost ?? 0) / inputSide : null,
    serviceTier: c.serviceTier,
    spanCostUsd: c.spanCostUsd,
  };
}
