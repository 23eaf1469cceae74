// What each known emitter means by its token counts, keyed by instrumentation scope
// (name, optional version range). Every entry cites the package version whose source was read.
// The record wants INCLUSIVE totals: input with cache reads+writes, output with reasoning.

/**
 * yes: the count already includes the part; no: it never does (always add the part);
 * infer: add the part only when the count is smaller than it (it clearly excludes it).
 */
export type Inclusion = 'yes' | 'no' | 'infer';

export interface EmitterRule {
  /** Instrumentation scope name (tracer name). */
  scope: string;
  /** Inclusive lower bound of the scope version; absent = any. */
  fromVersion?: string;
  /** Exclusive upper bound of the scope version; absent = any. */
  belowVersion?: string;
  inputIncludesCache: Inclusion;
  outputIncludesReasoning: Inclusion;
}

export const EMITTER_RULES: readonly EmitterRule[] = [
  // @traceloop/instrumentation-anthropic 0.27.0: gen_ai.usage.input_tokens = Anthropic
  // usage.input_tokens, which EXCLUDES cache; cache in gen_ai.usage.cache_read.input_tokens and
  // gen_ai.usage.cache_creation.input_tokens. output_tokens includes thinking (Anthropic bills it as output).
  { scope: '@traceloop/instrumentation-anthropic', inputIncludesCache: 'no', outputIncludesReasoning: 'yes' },
  // @traceloop/instrumentation-openai 0.27.0: input/output = prompt_tokens/completion_tokens
  // (Responses API: input_tokens/output_tokens); OpenAI counts include cached and reasoning tokens.
  { scope: '@traceloop/instrumentation-openai', inputIncludesCache: 'yes', outputIncludesReasoning: 'yes' },
  // @opentelemetry/instrumentation-openai 0.21.0: same OpenAI usage fields as gen_ai.usage.input/output_tokens.
  { scope: '@opentelemetry/instrumentation-openai', inputIncludesCache: 'yes', outputIncludesReasoning: 'yes' },
  // @arizeai/openinference-instrumentation-openai 4.2.7: llm.token_count.prompt = prompt_tokens,
  // prompt_details.cache_read = prompt_tokens_details.cached_tokens (a part of it),
  // completion_details.reasoning = completion_tokens_details.reasoning_tokens (a part of completion).
  { scope: '@arizeai/openinference-instrumentation-openai', inputIncludesCache: 'yes', outputIncludesReasoning: 'yes' },
  // @arizeai/openinference-instrumentation-langchain 4.1.1: LangChain usage_metadata.input_tokens is
  // the sum of all input token types (input_token_details.cache_read is a part); output likewise.
  { scope: '@arizeai/openinference-instrumentation-langchain', inputIncludesCache: 'yes', outputIncludesReasoning: 'yes' },
  // `ai` 6.0.326 (tracer "ai", no version): ai.usage.inputTokens = usage.inputTokens.total
  // (noCache + cacheRead + cacheWrite), ai.usage.outputTokens = outputTokens.total (text + reasoning).
  // The tracer carries no version and ai 5.x providers may differ, so the check stays 'infer'.
  { scope: 'ai', inputIncludesCache: 'infer', outputIncludesReasoning: 'infer' },
  // @langfuse/tracing 5.11.1 (tracer "langfuse-sdk"): usage_details is re-assembled into inclusive
  // totals by langfuse.ts, so nothing is added afterwards.
  { scope: 'langfuse-sdk', inputIncludesCache: 'yes', outputIncludesReasoning: 'yes' },
];

const DEFAULT_RULE: EmitterRule = { scope: '', inputIncludesCache: 'infer', outputIncludesReasoning: 'infer' };

/** Compares dotted numeric versions ("0.27.0" < "0.100.1"); pre-release tags are ignored. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('-')[0]!.split('.');
  const pb = b.split('-')[0]!.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (Number(pa[i]) || 0) - (Number(pb[i]) || 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function matches(rule: EmitterRule, name: string, version: string | undefined): boolean {
  if (rule.scope !== name) return false;
  if (rule.fromVersion === undefined && rule.belowVersion === undefined) return true;
  if (version === undefined) return false;
  if (rule.fromVersion !== undefined && compareVersions(version, rule.fromVersion) < 0) return false;
  return rule.belowVersion === undefined || compareVersions(version, rule.belowVersion) < 0;
}

const MAX_MEMO = 500;
const memo = new Map<string, EmitterRule>();

/** The rule for a scope (first match in EMITTER_RULES), else infer/infer. */
export function ruleFor(scopeName: string | undefined, scopeVersion: string | undefined): EmitterRule {
  if (scopeName === undefined) return DEFAULT_RULE;
  const key = scopeVersion === undefined ? scopeName : `${scopeName}\0${scopeVersion}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const rule = EMITTER_RULES.find((r) => matches(r, scopeName, scopeVersion)) ?? DEFAULT_RULE;
  if (memo.size >= MAX_MEMO) memo.clear();
  memo.set(key, rule);
  return rule;
}
