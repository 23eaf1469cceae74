// Defaults shared by the CLI commands.

/** Store of `serve` when none is configured (the library default is ':memory:'), and the store `report` reads by default. */
export const SERVE_DEFAULT_STORE = './otel-llm-cost.db';
