import type { FinishedSpan } from './span-types.js';
import type { SpanInput } from './types.js';

const SPAN_STATUS_ERROR = 2;

function hrTimeToMs(t: readonly [number, number]): number {
  return t[0] * 1000 + t[1] / 1e6;
}

/**
 * Adapts an SDK 2.x/3.x ReadableSpan to the pipeline's SpanInput. No copies of the
 * attribute maps: they are the SDK's own frozen-after-end objects.
 */
export function spanInputFromReadable(span: FinishedSpan): SpanInput {
  const ctx = span.spanContext();
  const scope = span.instrumentationScope;
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    startTimeMs: hrTimeToMs(span.startTime),
    endTimeMs: hrTimeToMs(span.endTime),
    statusError: span.status.code === SPAN_STATUS_ERROR,
    statusMessage: span.status.message,
    attributes: span.attributes,
    resourceAttributes: span.resource.attributes,
    scopeName: scope?.name,
    scopeVersion: scope?.version,
  };
}
