import { SpanKind, context, trace } from '@opentelemetry/api';
import type { Attributes, Tracer } from '@opentelemetry/api';

/**
 * A realistic mixed agent workload, as real instrumentations would emit it: several
 * providers and attribute dialects, cached and reasoning tokens, an unknown model,
 * agent wrapper spans and nested LLM spans. Deterministic for a given run index.
 */
export function emitAgentRun(tracer: Tracer, run: number): void {
  const session = `session-${run % 7}`;
  const user = `user-${run % 3}`;
  const agent = tracer.startSpan('invoke_agent research-assistant', {
    kind: SpanKind.CLIENT,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'research-assistant',
      'gen_ai.provider.name': 'openai',
      'gen_ai.conversation.id': session,
      // The agent span reports the sum of its calls: a wrapper, never counted on top of them.
      'gen_ai.usage.input_tokens': 4200,
      'gen_ai.usage.output_tokens': 600,
    },
  });
  const ctx = trace.setSpan(context.active(), agent);
  const child = (name: string, attributes: Attributes, durationMs: number, error = false): void => {
    const start = Date.now() - durationMs;
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, startTime: start }, ctx);
    if (error) span.setStatus({ code: 2, message: 'rate limited' });
    span.end(start + durationMs);
  };

  // OpenTelemetry GenAI conventions (current): OpenAI with cached input.
  child('chat gpt-4o', {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.response.model': 'gpt-4o-2024-08-06',
    'gen_ai.usage.input_tokens': 3000 + (run % 5) * 100,
    'gen_ai.usage.cache_read.input_tokens': 2048,
    'gen_ai.usage.output_tokens': 350,
    'gen_ai.conversation.id': session,
    'user.id': user,
  }, 1800);
  // Reasoning model: reasoning tokens are part of the output count.
  child('chat o3-mini', {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'o3-mini',
    'gen_ai.usage.input_tokens': 1200,
    'gen_ai.usage.output_tokens': 900,
    'gen_ai.usage.reasoning.output_tokens': 640,
    'gen_ai.conversation.id': session,
  }, 4200);
  // OpenLLMetry, Anthropic with a prompt-cache write (legacy gen_ai.system / prompt_tokens keys).
  child('anthropic.chat', {
    'llm.request.type': 'chat',
    'gen_ai.system': 'Anthropic',
    'gen_ai.request.model': 'claude-sonnet-4-5',
    'gen_ai.response.model': 'claude-sonnet-4-5',
    'gen_ai.usage.prompt_tokens': 5200,
    'gen_ai.usage.completion_tokens': 410,
    'gen_ai.usage.cache_creation_input_tokens': 4096,
    'gen_ai.usage.cache_read_input_tokens': 0,
    'traceloop.association.properties.session_id': session,
  }, 2600, run % 10 === 9);
  // OpenInference (Arize): embeddings and a small chat.
  child('OpenAI Embeddings', {
    'openinference.span.kind': 'EMBEDDING',
    'llm.provider': 'openai',
    'embedding.model_name': 'text-embedding-3-small',
    'llm.model_name': 'text-embedding-3-small',
    'llm.token_count.prompt': 800,
    'session.id': session,
  }, 120);
  child('ChatOpenAI', {
    'openinference.span.kind': 'LLM',
    'llm.provider': 'openai',
    'llm.system': 'openai',
    'llm.model_name': 'gpt-4o-mini',
    'llm.token_count.prompt': 1500,
    'llm.token_count.completion': 220,
    'llm.token_count.prompt_details.cache_read': 1024,
    'session.id': session,
  }, 900);
  // Vercel AI SDK: a root span over its doGenerate span; only doGenerate counts.
  const root = tracer.startSpan('ai.generateText', {
    attributes: {
      'ai.operationId': 'ai.generateText',
      'ai.model.provider': 'google.generative-ai',
      'ai.model.id': 'gemini-2.5-flash',
      'ai.usage.promptTokens': 2400,
      'ai.usage.completionTokens': 300,
    },
  }, ctx);
  const inner = tracer.startSpan('ai.generateText.doGenerate', {
    attributes: {
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.model.provider': 'google.generative-ai',
      'ai.model.id': 'gemini-2.5-flash',
      'gen_ai.system': 'google.generative-ai',
      'gen_ai.request.model': 'gemini-2.5-flash',
      'ai.usage.promptTokens': 2400,
      'ai.usage.completionTokens': 300,
      'ai.telemetry.metadata.sessionId': session,
    },
  }, trace.setSpan(ctx, root));
  inner.end();
  root.end();
  // A model the catalog does not know: counted, flagged llm.priced=false, never $0.
  if (run % 4 === 0) {
    child('chat acme-llm-1', {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'acme',
      'gen_ai.request.model': 'acme-llm-1',
      'gen_ai.usage.input_tokens': 700,
      'gen_ai.usage.output_tokens': 90,
    }, 700);
  }
  agent.end();
}
