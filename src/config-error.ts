/** Thrown at start-up for bad configuration: names the field and says how to fix it. */
export class ConfigError extends Error {
  readonly field: string;
  readonly fix: string;

  constructor(field: string, problem: string, fix: string) {
    super(`otel-llm-cost: invalid configuration at \`${field}\`: ${problem}. Fix: ${fix}`);
    this.name = 'ConfigError';
    this.field = field;
    this.fix = fix;
  }
}

/**
 * A configured value as a message shows it: JSON, except that numbers JSON cannot write
 * (NaN, Infinity, as YAML's `.nan` and `.inf` give) appear as themselves rather than as `null`.
 */
export function shownValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(shownValue).join(',')}]`;
  try {
    return JSON.stringify(v, (_key, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x)) ?? String(v);
  } catch {
    return String(v);
  }
}
