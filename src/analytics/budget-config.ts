// Budget configuration: the shape users write (options or YAML, camelCase or snake_case)
// and its one-time validation into a normalized BudgetConfig.
import { ConfigError, shownValue } from '../config-error.js';
import { isValidTimezone } from './timezone.js';
import { parsePeriod } from './periods.js';

/** Calendar periods ('day' | 'week' | 'month', aligned in `timezone`) or rolling ones ('7d', '24h'). */
export type BudgetPeriod = 'day' | 'week' | 'month' | `${number}d` | `${number}h`;

export interface BudgetConfig {
  /** Unique name; becomes the llm.budget.name label. */
  name: string;
  /** Spend limit in USD per period (> 0). */
  limitUsd: number;
  /** 'day' | 'week' (ISO, Monday) | 'month', calendar-aligned; or rolling '<N>d' / '<N>h'. */
  period: BudgetPeriod;
  /** IANA timezone of calendar periods. Default: the engine's `timezone` option ('UTC'). */
  timezone?: string;
  /** Warning thresholds as fractions of the limit, each in (0, 1]. Default: [0.8]. */
  warnAt?: number[];
  /**
   * Only calls whose attributes equal all of these count. Keys: gen_ai.provider.name,
   * gen_ai.request.model, gen_ai.response.model, service.name, gen_ai.agent.name,
   * gen_ai.operation.name, or a configured dimension. Default: every call.
   */
  match?: Record<string, string>;
  /** 'alert' only reports; 'block' makes budgets.check() return allowed=false once exceeded. Default: 'alert'. */
  action?: 'alert' | 'block';
}

const KNOWN_KEYS = new Set(['name', 'limitUsd', 'limit_usd', 'period', 'timezone', 'warnAt', 'warn_at', 'match', 'action']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pick(raw: Record<string, unknown>, camel: string, snake: string): unknown {
  return raw[camel] !== undefined ? raw[camel] : raw[snake];
}

function validateOne(raw: unknown, at: string, defaultTimezone: string): BudgetConfig {
  if (!isRecord(raw)) {
    throw new ConfigError(at, 'a budget must be an object', 'write { name, limitUsd, period }');
  }
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new ConfigError(`${at}.${key}`, 'unknown budget field', 'use name, limitUsd, period, timezone, warnAt, match or action');
    }
  }
  const name = raw.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ConfigError(`${at}.name`, 'missing or empty', 'give each budget a unique non-empty name, e.g. "monthly"');
  }
  const limit = pick(raw, 'limitUsd', 'limit_usd');
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0) {
    throw new ConfigError(`${at}.limitUsd`, `expected a positive number of USD, got ${shownValue(limit)}`, 'set limitUsd (or limit_usd) to e.g. 500');
  }
  const period = raw.period;
  if (typeof period !== 'string' || parsePeriod(period) === undefined) {
    throw new ConfigError(`${at}.period`, `unsupported period ${JSON.stringify(period)}`, "use 'day', 'week', 'month', or a rolling '<N>d' / '<N>h' such as '7d' or '24h' (at most 366 days)");
  }
  const timezone = raw.timezone === undefined ? defaultTimezone : raw.timezone;
  if (typeof timezone !== 'string' || !isValidTimezone(timezone)) {
    throw new ConfigError(`${at}.timezone`, `unknown timezone ${JSON.stringify(timezone)}`, "use an IANA name such as 'UTC' or 'America/New_York'");
  }
  const warnRaw = pick(raw, 'warnAt', 'warn_at');
  const warnAt = warnRaw === undefined ? [0.8] : warnRaw;
  if (!Array.isArray(warnAt) || warnAt.some((w) => typeof w !== 'number' || !(w > 0 && w <= 1))) {
    throw new ConfigError(`${at}.warnAt`, `expected fractions in (0, 1], got ${shownValue(warnRaw)}`, 'write e.g. warnAt: [0.5, 0.8]');
  }
  const matchRaw = raw.match;
  let match: Record<string, string> | undefined;
  if (matchRaw !== undefined) {
    if (!isRecord(matchRaw) || Object.values(matchRaw).some((v) => typeof v !== 'string')) {
      throw new ConfigError(`${at}.match`, 'expected a map of attribute name to string value', "write e.g. match: { 'gen_ai.provider.name': 'openai' }");
    }
    match = { ...(matchRaw as Record<string, string>) };
  }
  const action = raw.action === undefined ? 'alert' : raw.action;
  if (action !== 'alert' && action !== 'block') {
    throw new ConfigError(`${at}.action`, `unknown action ${JSON.stringify(raw.action)}`, "use 'alert' or 'block'");
  }
  const out: BudgetConfig = {
    name,
    limitUsd: limit,
    period: period as BudgetPeriod,
    timezone,
    warnAt: [...new Set(warnAt as number[])].sort((a, b) => a - b),
    action,
  };
  if (match !== undefined) out.match = match;
  return out;
}

/**
 * Validates raw budget configuration (options or parsed YAML) once at start-up.
 * Accepts snake_case (limit_usd, warn_at). Throws ConfigError naming the field, e.g. `budgets[0].limitUsd`.
 */
export function validateBudgets(raw: unknown, field = 'budgets', defaultTimezone = 'UTC'): BudgetConfig[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    throw new ConfigError(field, 'expected a list of budgets', 'write budgets: [{ name, limitUsd, period }]');
  }
  if (!isValidTimezone(defaultTimezone)) {
    throw new ConfigError('timezone', `unknown timezone ${JSON.stringify(defaultTimezone)}`, "use an IANA name such as 'UTC' or 'Europe/Paris'");
  }
  const seen = new Set<string>();
  return raw.map((item, i) => {
    const budget = validateOne(item, `${field}[${i}]`, defaultTimezone);
    if (seen.has(budget.name)) {
      throw new ConfigError(`${field}[${i}].name`, `duplicate budget name "${budget.name}"`, 'give each budget a unique name');
    }
    seen.add(budget.name);
    return budget;
  });
}
