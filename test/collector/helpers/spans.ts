// One fixture factory for the collector tests: real SDK spans in several LLM dialects.
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export interface RecordedTracer {
  provider: BasicTracerProvider;
  exporter: InMemorySpanExporter;
  /** Runs fn under a span, ending it afterwards (children therefore end first). */
  span(name: string, attrs: Attributes, fn?: () => void, scope?: { name: string; version?: string }): Span;
  finished(): ReadableSpan[];
}

export function recordedTracer(serviceName: string, extraResource: Attributes = {}): RecordedTracer {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, ...extraResource }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  // Parents are passed explicitly (no global context manager needed).
  const stack = [context.active()];
  return {
    provider,
    exporter,
    span(name, attrs, fn, scope = { name: 'test-instrumentation', version: '1.2.3' }) {
      const tracer = provider.getTracer(scope.name, scope.version);
      const parent = stack[stack.length - 1]!;
      const s = tracer.startSpan(name, { attributes: attrs }, parent);
      if (fn) {
        stack.push(trace.setSpan(parent, s));
        try {
          fn();
        } finally {
          stack.pop();
        }
      }
      s.end();
      return s;
    },
    finished: () => exporter.getFinishedSpans(),
  };
}

/** An OpenTelemetry GenAI semconv chat span. */
export function genAiChat(model: string, input: number, output: number, extra: Attributes = {}): Attributes {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': model,
    'gen_ai.response.model': model,
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': output,
    ...extra,
  };
}

/** An OpenInference LLM span (Arize). */
export function openInferenceLlm(model: string, prompt: number, completion: number): Attributes {
  return {
    'openinference.span.kind': 'LLM',
    'llm.provider': 'anthropic',
    'llm.model_name': model,
    'llm.token_count.prompt': prompt,
    'llm.token_count.completion': completion,
  };
}

/** Vercel AI SDK: the root `ai.generateText` span and its `ai.generateText.doGenerate` child. */
export function vercelRoot(model: string, input: number, output: number): Attributes {
  return {
    'ai.operationId': 'ai.generateText',
    'ai.model.provider': 'openai.chat',
    'ai.model.id': model,
    'ai.usage.promptTokens': input,
    'ai.usage.completionTokens': output,
  };
}

export function vercelDoGenerate(model: string, input: number, output: number): Attributes {
  return {
    'ai.operationId': 'ai.generateText.doGenerate',
    'ai.model.provider': 'openai.chat',
    'ai.model.id': model,
    'ai.response.model': model,
    'gen_ai.system': 'openai',
    'gen_ai.request.model': model,
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': output,
  };
}

export { SpanStatusCode };
