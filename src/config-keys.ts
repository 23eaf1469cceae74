/** `otlpPort` -> `otlp_port`, `genAiMetrics` -> `gen_ai_metrics`. */
export function snakeCase(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Option names as written in code (camelCase) or YAML (snake_case), each mapped to its
 * camelCase name: one table per config section instead of hand-written pairs.
 */
export function keyAliases<K extends string>(names: readonly K[]): Record<string, K> {
  const out: Record<string, K> = {};
  for (const name of names) {
    out[name] = name;
    out[snakeCase(name)] = name;
  }
  return out;
}
