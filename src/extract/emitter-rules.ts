// What each known emitter means by its token counts, keyed by instrumentation scope
// (name, optional version range). Every entry cites the package version whose source was read.
// The record wants INCLUSIVE totals: input with cache reads+writes, output with reasoning.

import { memoize } from './memo.js';

/**
 * yes: the count already includes the part; no: it never does (always add the part);
 * infer: add the part only when the count is smaller than it (it clearly excludes it).
 */
export type Inclusion = 'yes' | 'no' | 'infer';

type Attributes = Readonly<Record<string, unknown>>;

export interface EmitterRule {
  /** Instrumentation scope name (tracer name). */
  scope: string;
  /** Narrows the rule to spans of this shape (for emitters whose tracer carries no version). */
  when?: (attributes: Attributes) => boolean;
  /** Inclusive lower bound of the scope version; absent = any. */
  fromVersion?: string;
  /** Exclusive upper bound of the scope version; absent = any. */
  belowVersion?: string;
  inputIncludesCache: Inclusion;
  outputIncludesReasoning: Inclusion;
  /** The emitter never reports cache reads, even when the provider served some. */
  omitsCacheCounts?: boolean;
}

const VERCEL_PROVIDER_KEY = 'ai.model.provider';
const VERCEL_V6_KEYS = ['ai.usage.inputTokenDetails.noCacheTokens', 'ai.usage.outputTokenDetails.textTokens'];

function isVercelV6Usage(attributes: Attributes): boolean {
  for (const key of VERCEL_V6_KEYS) if (attributes[key] !== undefined) return true;
  return false;
}

/**
 * ai.model.provider is one of these ids or `<id>.<api>` (anthropic.messages). Rules are
 * first-match, so google.vertex.anthropic is listed in a rule before the one for google.
 */
function vercelProviderIn(ids: readonly string[]): (attributes: Attributes) => boolean {
  const prefixes = ids.map((id) => `${id}.`);
  return (attributes) => {
    const provider = attributes[VERCEL_PROVIDER_KEY];
    if (typeof provider !== 'string') return false;
    for (let i = 0; i < ids.length; i++) {
      if (provider === ids[i] || provider.startsWith(prefixes[i]!)) return true;
    }
    return false;
  };
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
  // 0.21 and 0.22 never read usage.prompt_tokens_details.cached_tokens (build/src/instrumentation.js
  // of 0.21.0 has no cache field at all), so cached prompts look uncached.
  {
    scope: '@opentelemetry/instrumentation-openai',
    fromVersion: '0.21.0',
    belowVersion: '0.23.0',
    inputIncludesCache: 'yes',
    outputIncludesReasoning: 'yes',
    omitsCacheCounts: true,
  },
  { scope: '@opentelemetry/instrumentation-openai', inputIncludesCache: 'yes', outputIncludesReasoning: 'yes' },
  // @arizeai/openinference-instrumentation-openai 4.2.7: llm.token_count.prompt = prompt_tokens,
  // prompt_details.cache_read = prompt_tokens_details.cached_tokens (a part of it),
  // completion_details.reasoning = completion_tokens_details.reasoning_tokens (a part of completion).
  { scope: '@arizeai/openinference-instrumentation-openai', inputIncludesCache: 'yes', outputIncludesReasoning: 'yes' },
  // @arizeai/openinference-instrumentation-langchain 4.1.1: LangChain usage_metadata.input_tokens is
  // the sum of all input token types (input_token_details.cache_read is a part); output likewise.
  { scope: '@arizeai/openinference-instrumentation-langchain', inputIncludesCache: 'yes', outputIncludesReasoning: 'yes' },
  // @arizeai/openinference-instrumentation-anthropic 0.2.8: llm.token_count.prompt = input_tokens +
  // cache_creation_input_tokens + cache_read_input_tokens (it makes the sum itself).
  { scope: '@arizeai/openinference-instrumentation-anthropic', inputIncludesCache: 'yes', outputIncludesReasoning: 'yes' },
  // @arizeai/openinference-instrumentation-bedrock 0.5.1: InvokeModel sets llm.token_count.prompt =
  // the model's input_tokens (Anthropic/Nova: WITHOUT cache) next to prompt_details.cache_read/write;
  // Converse sets usage.inputTokens (also without cache) and no cache keys.
  { scope: '@arizeai/openinference-instrumentation-bedrock', inputIncludesCache: 'no', outputIncludesReasoning: 'yes' },
  // @traceloop/instrumentation-bedrock 0.27.0: input_tokens / inputTokens of the model family
  // (cache-exclusive for Anthropic and Converse) and no cache keys, so cache tokens are not visible.
  { scope: '@traceloop/instrumentation-bedrock', inputIncludesCache: 'no', outputIncludesReasoning: 'yes' },
  // @traceloop/instrumentation-vertexai 0.27.0: prompt_tokens = promptTokenCount (cache included),
  // completion_tokens = candidatesTokenCount (thoughts NOT included, and not reported either).
  { scope: '@traceloop/instrumentation-vertexai', inputIncludesCache: 'yes', outputIncludesReasoning: 'no' },
  // `ai` 6.0.326 (tracer "ai", no version): ai.usage.inputTokens = usage.inputTokens.total
  // (noCache + cacheRead + cacheWrite), ai.usage.outputTokens = outputTokens.total (text + reasoning).
  // Only 6.x writes the ai.usage.*TokenDetails.* keys, which is how its spans are told apart.
  { scope: 'ai', when: isVercelV6Usage, inputIncludesCache: 'yes', outputIncludesReasoning: 'yes' },
  // `ai` 5.0.277 passes provider usage through. @ai-sdk/anthropic 2.0.112 and
  // @ai-sdk/amazon-bedrock 3.0.137: inputTokens = input_tokens / inputTokens WITHOUT cache,
  // cachedInputTokens = cache reads (cache writes are not reported in ai.usage at all).
  {
    scope: 'ai',
    when: vercelProviderIn(['anthropic', 'amazon-bedrock', 'google.vertex.anthropic']),
    inputIncludesCache: 'no',
    outputIncludesReasoning: 'yes',
  },
  // @ai-sdk/google 2.0.108: inputTokens = promptTokenCount (cache included), outputTokens =
  // candidatesTokenCount WITHOUT thoughtsTokenCount (reported as ai.usage.reasoningTokens).
  { scope: 'ai', when: vercelProviderIn(['google']), inputIncludesCache: 'yes', outputIncludesReasoning: 'no' },
  { scope: 'ai', inputIncludesCache: 'infer', outputIncludesReasoning: 'infer' },
  // @langfuse/tracing 5.11.1 (tracer "langfuse-sdk"): usage_details is re-assembled into inclusive
  // totals by langfuse.ts, so nothing is added afterwards.
  { scope: 'langfuse-sdk', inputIncludesCache: 'yes', outputIncludesReasoning: 'yes' },
];

const DEFAULT_RULE: EmitterRule = { scope: '', inputIncludesCache: 'infer', outputIncludesReasoning: 'infer' };

/** Compares dotted numeric versions ("0.27.0" < "0.100.1"); pre-release tags are ignored. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('-')[0]!.split('.');
  const pb = b.split('-')[0]!.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (Number(pa[i]) || 0) - (Number(pb[i]) || 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function matchesScope(rule: EmitterRule, name: string, version: string | undefined): boolean {
  if (rule.scope !== name) return false;
  if (rule.fromVersion === undefined && rule.belowVersion === undefined) return true;
  if (version === undefined) return false;
  if (rule.fromVersion !== undefined && compareVersions(version, rule.fromVersion) < 0) return false;
  return rule.belowVersion === undefined || compareVersions(version, rule.belowVersion) < 0;
}

const SEP = '\u0000';
/** Rules whose scope and version match, by `name` or `name NUL version`. */
const rulesForKey = memoize((key): readonly EmitterRule[] => {
  const at = key.indexOf(SEP);
  const name = at < 0 ? key : key.slice(0, at);
  const version = at < 0 ? undefined : key.slice(at + 1);
  return EMITTER_RULES.filter((r) => matchesScope(r, name, version));
});

function rulesForScope(scopeName: string, scopeVersion: string | undefined): readonly EmitterRule[] {
  return rulesForKey(scopeVersion === undefined ? scopeName : scopeName + SEP + scopeVersion);
}

/** The first rule of EMITTER_RULES matching the scope and the span, else infer/infer. */
export function ruleFor(
  scopeName: string | undefined,
  scopeVersion: string | undefined,
  attributes: Attributes = {},
): EmitterRule {
  if (scopeName === undefined) return DEFAULT_RULE;
  for (const rule of rulesForScope(scopeName, scopeVersion)) {
    if (rule.when === undefined || rule.when(attributes)) return rule;
  }
  return DEFAULT_RULE;
}
