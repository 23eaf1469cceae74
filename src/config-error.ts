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
