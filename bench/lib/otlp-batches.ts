// Encoded OTLP trace requests for the intake benchmarks: what the OpenTelemetry JS SDK's
// protobuf serializer writes for an app whose every trace is an HTTP server span with one
// LLM chat call under it. `renew` rewrites every trace and span id in place, so a batch sent
// again is new to the collector's dedupe memory.
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-flash'];
const PROVIDERS = ['openai', 'openai', 'anthropic', 'gcp.gemini'];

export interface EncodedBatch {
  body: Buffer;
  spans: number;
  /** Byte offsets of every trace id and span id (also as parent) in `body`. */
  idOffsets: number[];
}

/** Batch `b` of `spans` spans (half of them LLM calls). */
export function encodedBatch(b: number, spans: number): EncodedBatch {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `svc-${b % 5}`, 'service.version': '1.4.2', 'deployment.environment.name': 'prod' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const http = provider.getTracer('@opentelemetry/instrumentation-http', '0.200.0');
  const genai = provider.getTracer('@opentelemetry/instrumentation-openai', '0.5.0');
  for (let i = 0; i < spans / 2; i++) {
    const k = (b * 7 + i) % 4;
    const root = http.startSpan('POST /chat', { attributes: { 'http.request.method': 'POST', 'url.path': '/chat', 'http.route': '/chat', 'http.response.status_code': 200, 'server.address': 'api.internal', 'user_agent.original': 'python-requests/2.32' } });
    genai
      .startSpan(`chat ${MODELS[k]}`, {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': PROVIDERS[k]!,
          'gen_ai.request.model': MODELS[k]!,
          'gen_ai.response.model': MODELS[k]!,
          'gen_ai.request.max_tokens': 1024,
          'gen_ai.request.temperature': 0.2,
          'gen_ai.usage.input_tokens': 1000 + ((b * 31 + i) % 997),
          'gen_ai.usage.cache_read.input_tokens': 256,
          'gen_ai.usage.output_tokens': 100 + (i % 113),
          'gen_ai.response.finish_reasons': ['stop'],
          'gen_ai.conversation.id': `conv-${(b * 256 + i) % 5000}`,
          'user.id': `user-${i % 300}`,
        },
      }, trace.setSpan(ROOT_CONTEXT, root))
      .end();
    root.end();
  }
  const finished: ReadableSpan[] = exporter.getFinishedSpans();
  const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(finished as never)!);
  const idOffsets = new Set<number>();
  for (const s of finished) {
    for (const hex of [s.spanContext().traceId, s.spanContext().spanId]) {
      const needle = Buffer.from(hex, 'hex');
      for (let at = body.indexOf(needle); at >= 0; at = body.indexOf(needle, at + 1)) idOffsets.add(at);
    }
  }
  return { body, spans: finished.length, idOffsets: [...idOffsets] };
}

/** Stamps `round` into every id of the batch (the first 4 bytes of each). */
export function renew(batch: EncodedBatch, round: number): void {
  for (const at of batch.idOffsets) batch.body.writeUInt32BE(round, at);
}
