import type { Attributes, HrTime, SpanContext, SpanStatus } from '@opentelemetry/api';

/**
 * The part of a finished span (the trace SDK's ReadableSpan) the processor reads. Declared
 * here rather than imported so that the package depends on no particular trace SDK:
 * SDK 2.x ships ReadableSpan in @opentelemetry/sdk-trace-base, SDK 3.x in
 * @opentelemetry/sdk-trace; both have this shape (parent as `parentSpanContext`, the
 * resource's `attributes`, the scope as `instrumentationScope`).
 */
export interface FinishedSpan {
  readonly name: string;
  spanContext(): SpanContext;
  readonly parentSpanContext?: SpanContext;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly resource: { readonly attributes: Attributes };
  readonly instrumentationScope?: { readonly name: string; readonly version?: string };
}

/** The part of a span just started (the SDK's Span, given to onStart) the processor reads. */
export interface StartedSpan {
  spanContext(): SpanContext;
  readonly parentSpanContext?: SpanContext;
  /** The attributes given at start (more may be set before the span ends). */
  readonly attributes: Attributes;
  readonly instrumentationScope?: { readonly name: string };
}

/**
 * The trace SDK's SpanProcessor contract (the same in SDK 2.x and 3.x), structurally: an
 * LlmCostSpanProcessor goes wherever either SDK takes a SpanProcessor.
 */
export interface SpanProcessorLike {
  onStart(span: StartedSpan, parentContext: unknown): void;
  onEnd(span: FinishedSpan): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}
