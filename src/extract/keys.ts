// The precedence table of DESIGN.md ("Extraction: attribute keys by dialect"):
// each field is read from ONE key, the first present in this order. Aliases of
// the same count are never added together.

export const PROVIDER_KEYS = [
  'gen_ai.provider.name',
  'gen_ai.system',
  'llm.provider',
  'llm.system',
  'ai.model.provider',
] as const;

export const REQUEST_MODEL_KEYS = [
  'gen_ai.request.model',
  'llm.request.model_name',
  'llm.model_name',
  'ai.model.id',
  'langfuse.observation.model.name',
  // OpenInference EMBEDDING spans name the model here instead of llm.model_name.
  'embedding.model_name',
] as const;

export const RESPONSE_MODEL_KEYS = [
  'gen_ai.response.model',
  'llm.response.model_name',
  'ai.response.model',
  'llm.response.model',
] as const;

export const OPERATION_KEY = 'gen_ai.operation.name';
export const TRACELOOP_REQUEST_TYPE_KEY = 'llm.request.type';
export const OPENINFERENCE_KIND_KEY = 'openinference.span.kind';
export const TRACELOOP_KIND_KEY = 'traceloop.span.kind';
export const VERCEL_OPERATION_ID_KEY = 'ai.operationId';
export const LANGFUSE_TYPE_KEY = 'langfuse.observation.type';
export const LANGFUSE_USAGE_KEY = 'langfuse.observation.usage_details';
export const ERROR_TYPE_KEY = 'error.type';
export const SERVICE_NAME_KEY = 'service.name';

export const INPUT_KEYS = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'llm.token_count.prompt',
  'ai.usage.inputTokens',
  'ai.usage.promptTokens',
  // Vercel AI SDK embed/embedMany spans (ai 6.0.326) report only this.
  'ai.usage.tokens',
] as const;

export const OUTPUT_KEYS = [
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.completion_tokens',
  'llm.token_count.completion',
  'ai.usage.outputTokens',
  'ai.usage.completionTokens',
] as const;

export const CACHE_READ_KEYS = [
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_read_input_tokens',
  'llm.token_count.prompt_details.cache_read',
  'ai.usage.inputTokenDetails.cacheReadTokens',
  'ai.usage.cachedInputTokens',
] as const;

export const CACHE_WRITE_KEYS = [
  'gen_ai.usage.cache_write.input_tokens',
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.cache_creation_input_tokens',
  'llm.token_count.prompt_details.cache_write',
  'ai.usage.inputTokenDetails.cacheWriteTokens',
] as const;

export const REASONING_KEYS = [
  'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.usage.reasoning_tokens',
  'llm.usage.reasoning_tokens',
  'llm.token_count.completion_details.reasoning',
  'ai.usage.reasoningTokens',
  'ai.usage.outputTokenDetails.reasoningTokens',
] as const;

export const SESSION_KEYS = [
  'gen_ai.conversation.id',
  'session.id',
  'langfuse.session.id',
  'traceloop.association.properties.session_id',
  'ai.telemetry.metadata.sessionId',
] as const;

export const USER_KEYS = [
  'user.id',
  'enduser.id',
  'langfuse.user.id',
  'traceloop.association.properties.user_id',
  'ai.telemetry.metadata.userId',
] as const;

export const AGENT_KEYS = ['gen_ai.agent.name', 'agent.name'] as const;

// The service tier a call ran on (flex, priority, scale, batch), response first: the request
// may say `auto` and the response the tier actually used. GenAI semconv OpenAI attributes
// (openai.*), and their deprecated gen_ai.openai.* names (@opentelemetry/instrumentation-openai
// 0.21 semconv.js still defines those).
export const SERVICE_TIER_KEYS = [
  'openai.response.service_tier',
  'gen_ai.openai.response.service_tier',
  'openai.request.service_tier',
  'gen_ai.openai.request.service_tier',
] as const;

/**
 * JSON-valued attributes that may hold the tier when no key above is there: the Vercel AI SDK's
 * provider metadata (`{"openai":{"serviceTier":"flex"}}`; @ai-sdk/anthropic passes Anthropic's
 * usage, `{"anthropic":{"usage":{"service_tier":"batch"}}}`) and OpenInference's request
 * parameters (`{"service_tier":"flex"}`).
 */
export const VERCEL_PROVIDER_METADATA_KEY = 'ai.response.providerMetadata';
export const OPENINFERENCE_INVOCATION_PARAMETERS_KEY = 'llm.invocation_parameters';

/** A cost already on the span (USD), as LiteLLM writes it and Langfuse reads it. */
export const SPAN_COST_KEYS = ['gen_ai.usage.cost'] as const;
