// Many fresh OTLP/protobuf requests cheaply: one request of N GenAI chat spans is serialized
// by the SDK's own serializer, then each copy gets new random span ids written in place.
import { randomBytes } from 'node:crypto';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { genAiChat, recordedTracer } from '../../collector/helpers/spans.js';

export interface ProtoTemplate {
  spans: number;
  /** A copy of the request with fresh span ids. */
  fresh(): Buffer;
}

/** `padBytes`: one more (non-LLM) span carrying a string attribute of that many bytes. */
export function protoTemplate(spans: number, padBytes = 0, model = 'gpt-4o-mini'): ProtoTemplate {
  const t = recordedTracer('template');
  for (let i = 0; i < spans; i++) t.span(`chat ${i}`, genAiChat(model, 1000, 500));
  if (padBytes > 0) t.span('padding', { padding: 'x'.repeat(padBytes) });
  const finished = t.finished();
  const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(finished)!);
  // Each span id appears once, as field 2 of its Span (tag 0x12, length 8).
  const offsets = finished.map((s) => {
    const id = Buffer.concat([Buffer.from([0x12, 0x08]), Buffer.from(s.spanContext().spanId, 'hex')]);
    const at = body.indexOf(id);
    if (at < 0) throw new Error('span id not found in the serialized request');
    return at + 2;
  });
  return {
    spans,
    fresh() {
      const copy = Buffer.from(body);
      const ids = randomBytes(8 * offsets.length);
      for (let i = 0; i < offsets.length; i++) ids.copy(copy, offsets[i]!, 8 * i, 8 * i + 8);
      return copy;
    },
  };
}
