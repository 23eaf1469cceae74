import { validateBudgets } from './analytics/budget-config.js';
import { FORECAST_METHODS } from './analytics/forecast.js';
import { ConfigError, shownValue } from './config-error.js';
import { unboundedDimension } from './dimension-names.js';
import { keyAliases } from './config-keys.js';
import type { LlmCostOptions } from './options.js';
import { validatePrices } from './pricing/index.js';

const KNOWN_FIELDS = keyAliases<keyof LlmCostOptions>([
  'meterProvider', 'prices', 'budgets', 'dimensions', 'store', 'analytics', 'clock', 'genAiMetrics',
  'cardinalityLimit', 'dedupeCapacity', 'dedupeUnnestedCopies', 'flushIntervalMs', 'storeBacklogBytes', 'timezone',
  'ledgerRetentionDays', 'forecastMethod', 'defaultServiceName', 'onBudgetEvent',
  'budgetStore', 'budgetStoreKeyPrefix', 'budgetStoreUnavailable', 'budgetSyncMs',
]);

/** Every option name (camelCase). */
export const OPTION_NAMES: readonly (keyof LlmCostOptions)[] = [...new Set(Object.values(KNOWN_FIELDS))];

/** Options only code can pass (objects and functions): never in a config file. */
export const CODE_ONLY_OPTIONS: ReadonlySet<string> = new Set<keyof LlmCostOptions>(['meterProvider', 'clock', 'onBudgetEvent']);

/** The camelCase option a key (camelCase or snake_case) names, if any. */
export function optionName(key: string): keyof LlmCostOptions | undefined {
  return KNOWN_FIELDS[key];
}

/**
 * Checks processor/pipeline options once, at start, and returns them with camelCase keys.
 * Accepts snake_case (as written in YAML). Throws ConfigError naming the field and the fix.
 * `ignore` lists keys that belong to someone else (e.g. the collector's server settings).
 */
export function validateOptions(raw: Record<string, unknown>, ignore: readonly string[] = []): LlmCostOptions {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('options', 'expected an object', 'pass an options object such as { budgets: [...] }');
  }
  const out: LlmCostOptions = {};
  const o = out as Record<string, unknown>;
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || ignore.includes(key)) continue;
    const field = KNOWN_FIELDS[key];
    if (field === undefined) {
      throw new ConfigError(key, 'unknown option', `remove it, or use one of: ${[...new Set(Object.values(KNOWN_FIELDS))].join(', ')}`);
    }
    o[field] = value;
  }
  const timezone = out.timezone ?? 'UTC';
  if (out.timezone !== undefined) checkTimezone('timezone', out.timezone);
  if (out.meterProvider !== undefined && typeof (out.meterProvider as { getMeter?: unknown }).getMeter !== 'function') {
    throw new ConfigError('meterProvider', 'is not a MeterProvider (no getMeter method)', 'pass the MeterProvider from @opentelemetry/sdk-metrics, or omit it to use the global one');
  }
  if (out.clock !== undefined && typeof out.clock !== 'function') {
    throw new ConfigError('clock', 'must be a function returning epoch milliseconds', 'pass () => Date.now() or omit it');
  }
  if (out.onBudgetEvent !== undefined && typeof out.onBudgetEvent !== 'function') {
    throw new ConfigError('onBudgetEvent', 'must be a function', 'pass (event) => { ... } or omit it');
  }
  if (out.store !== undefined && (typeof out.store !== 'string' || out.store.length === 0)) {
    throw new ConfigError('store', 'must be a file path or ":memory:"', 'set store: ./llm-cost.db, or ":memory:" for no persistence');
  }
  if (out.dimensions !== undefined) out.dimensions = checkDimensions(out.dimensions);
  checkPositiveInt('cardinalityLimit', out.cardinalityLimit, 'set a whole number such as 2000');
  checkPositiveInt('dedupeCapacity', out.dedupeCapacity, 'set a whole number such as 100000 (span ids remembered)');
  checkPositiveInt('flushIntervalMs', out.flushIntervalMs, 'set milliseconds such as 1000');
  checkPositiveInt('storeBacklogBytes', out.storeBacklogBytes, 'set bytes such as 134217728 (128 MiB, the default)');
  checkPositiveInt('ledgerRetentionDays', out.ledgerRetentionDays, 'set whole days such as 90');
  if (out.forecastMethod !== undefined && !FORECAST_METHODS.includes(out.forecastMethod)) {
    throw new ConfigError('forecastMethod', `unknown method ${JSON.stringify(out.forecastMethod)}`, `use one of: ${FORECAST_METHODS.join(', ')}`);
  }
  if (out.dedupeUnnestedCopies !== undefined && typeof out.dedupeUnnestedCopies !== 'boolean') {
    throw new ConfigError('dedupeUnnestedCopies', 'must be true or false', 'omit it (default true) or set false to count every unnested LLM span');
  }
  if (out.genAiMetrics !== undefined && typeof out.genAiMetrics !== 'boolean') {
    throw new ConfigError('genAiMetrics', 'must be true or false', 'set genAiMetrics: true to emit gen_ai.client.* metrics');
  }
  if (out.defaultServiceName !== undefined && (typeof out.defaultServiceName !== 'string' || out.defaultServiceName === '')) {
    throw new ConfigError('defaultServiceName', 'must be a non-empty string', "set a name such as 'my-agent'");
  }
  if (out.analytics !== undefined && typeof out.analytics !== 'boolean') {
    throw new ConfigError('analytics', 'must be true or false', 'omit it (default true), or set false for metrics only');
  }
  if (out.analytics === false && out.budgets !== undefined && out.budgets.length > 0) {
    throw new ConfigError('budgets', 'budgets need the analytics engine, which analytics: false turns off', 'remove analytics: false, or remove the budgets');
  }
  checkBudgetStore(out);
  if (out.prices !== undefined) out.prices = validatePrices(out.prices, 'prices');
  if (out.budgets !== undefined) out.budgets = validateBudgets(out.budgets, 'budgets', timezone);
  return out;
}

function checkBudgetStore(out: LlmCostOptions): void {
  if (out.budgetStore !== undefined) {
    let url: URL | undefined;
    try {
      url = typeof out.budgetStore === 'string' ? new URL(out.budgetStore) : undefined;
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
      throw new ConfigError('budgetStore', `${JSON.stringify(out.budgetStore)} is not a Redis URL`, "write budgetStore: 'redis://host:6379/0' (or rediss:// for TLS), or remove it to budget per process");
    }
    if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d+$/.test(url.pathname)) {
      throw new ConfigError('budgetStore', `database ${JSON.stringify(url.pathname.slice(1))} is not a number`, "end the URL with a database number such as /0, e.g. 'redis://host:6379/0'");
    }
    if (out.analytics === false) {
      throw new ConfigError('budgetStore', 'a shared budget store needs the analytics engine, which analytics: false turns off', 'remove analytics: false, or remove budgetStore');
    }
  }
  const needsStore = (field: string): void => {
    if (out.budgetStore === undefined) {
      throw new ConfigError(field, 'only applies with a shared budget store', "set budgetStore: 'redis://host:6379/0' too, or remove it");
    }
  };
  if (out.budgetStoreKeyPrefix !== undefined) {
    needsStore('budgetStoreKeyPrefix');
    if (typeof out.budgetStoreKeyPrefix !== 'string' || out.budgetStoreKeyPrefix === '' || /\s/.test(out.budgetStoreKeyPrefix)) {
      throw new ConfigError('budgetStoreKeyPrefix', `must be a non-empty string without spaces, got ${shownValue(out.budgetStoreKeyPrefix)}`, "use e.g. 'otel-llm-cost:prod:'");
    }
  }
  if (out.budgetStoreUnavailable !== undefined) {
    needsStore('budgetStoreUnavailable');
    if (out.budgetStoreUnavailable !== 'allow' && out.budgetStoreUnavailable !== 'block') {
      throw new ConfigError('budgetStoreUnavailable', `unknown value ${JSON.stringify(out.budgetStoreUnavailable)}`, "use 'allow' (default: decide on the last fleet total plus local spend) or 'block' (refuse while the store is unreachable)");
    }
  }
  if (out.budgetSyncMs !== undefined) {
    needsStore('budgetSyncMs');
    const v = out.budgetSyncMs as unknown;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 10 || v > 60_000) {
      throw new ConfigError('budgetSyncMs', `must be whole milliseconds from 10 to 60000, got ${shownValue(v)}`, 'set e.g. budgetSyncMs: 1000 (the default)');
    }
  }
}

function checkTimezone(field: string, tz: unknown): void {
  try {
    if (typeof tz !== 'string') throw new Error('not a string');
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new ConfigError(field, `${JSON.stringify(tz)} is not an IANA timezone`, "use a name such as 'UTC' or 'Europe/Paris'");
  }
}

function checkDimensions(value: unknown): string[] {
  if (!Array.isArray(value)) {
    throw new ConfigError('dimensions', 'must be a list of attribute names', "write dimensions: ['gen_ai.agent.name', 'team']");
  }
  return value.map((name, i) => {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new ConfigError(`dimensions[${i}]`, 'must be a non-empty attribute name', "use a span or resource attribute key such as 'team'");
    }
    const refused = unboundedDimension(name);
    if (refused !== undefined) throw new ConfigError(`dimensions[${i}]`, refused.problem, refused.fix);
    return name;
  });
}

function checkPositiveInt(field: string, value: unknown, fix: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(field, `must be a positive whole number, got ${shownValue(value)}`, fix);
  }
}
