// Langfuse JS SDK v4+ (@langfuse/tracing 5.11.1, tracer "langfuse-sdk"): langfuse.observation.type
// says what a span is; usage arrives as ONE JSON string, langfuse.observation.usage_details.
// @langfuse/openai 5.11.1 (parseUsageDetails) writes {input, output, total, input_<detail>...,
// output_<detail>...} where input/output have every detail SUBTRACTED (input excludes
// input_cached_tokens, output excludes output_reasoning_tokens). Anthropic-style usage uses
// cache_read_input_tokens / cache_creation_input_tokens next to a cache-exclusive input.

import { INVALID, readCount } from './numbers.js';

const CALL_OPERATIONS: Readonly<Record<string, string>> = {
  generation: 'chat',
  embedding: 'embeddings',
};
const WRAPPER_TYPES = new Set(['agent', 'tool', 'chain', 'retriever', 'evaluator', 'guardrail']);

/** gen_ai.operation.name of a per-call observation type, else undefined. */
export function langfuseOperation(type: string): string | undefined {
  return CALL_OPERATIONS[type.toLowerCase()];
}

export function isLangfuseWrapperType(type: string): boolean {
  return WRAPPER_TYPES.has(type.toLowerCase());
}

/** Inclusive totals (DESIGN.md semantics) recovered from usage_details. */
export interface LangfuseUsage {
  input: number | undefined;
  output: number | undefined;
  cacheRead: number | undefined;
  cacheWrite: number | undefined;
  reasoning: number | undefined;
  /** Some value inside was garbage (that part is left out). */
  invalid: boolean;
}

const MAX_JSON_LENGTH = 8192;
const CACHE_READ_DETAILS = ['input_cached_tokens', 'input_cache_read', 'cache_read_input_tokens'];
const CACHE_WRITE_DETAILS = ['input_cache_creation', 'cache_creation_input_tokens'];
const REASONING_DETAILS = ['output_reasoning_tokens', 'output_reasoning'];
/** Anthropic-style keys without the input_ prefix that are part of the input. */
const UNPREFIXED_INPUT_DETAILS = new Set(['cache_read_input_tokens', 'cache_creation_input_tokens']);

function first(counts: ReadonlyMap<string, number>, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const value = counts.get(key);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Parses usage_details; undefined when absent, INVALID when not a JSON object of counts. */
export function readLangfuseUsage(raw: unknown): LangfuseUsage | undefined | typeof INVALID {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' || raw.length > MAX_JSON_LENGTH) return INVALID;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return INVALID;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return INVALID;

  const counts = new Map<string, number>();
  let invalid = false;
  for (const [key, value] of Object.entries(parsed)) {
    const count = readCount(value);
    if (count === INVALID) invalid = true;
    else if (count !== undefined) counts.set(key, count);
  }

  let inputDetails = 0;
  let outputDetails = 0;
  for (const [key, value] of counts) {
    if (key.startsWith('input_') || UNPREFIXED_INPUT_DETAILS.has(key)) inputDetails += value;
    else if (key.startsWith('output_')) outputDetails += value;
  }
  const input = counts.get('input');
  const output = counts.get('output');
  return {
    input: input === undefined ? undefined : input + inputDetails,
    output: output === undefined ? undefined : output + outputDetails,
    cacheRead: first(counts, CACHE_READ_DETAILS),
    cacheWrite: first(counts, CACHE_WRITE_DETAILS),
    reasoning: first(counts, REASONING_DETAILS),
    invalid,
  };
}
