import type { AnalyticsApi } from './analytics/query-api.js';
import type { BudgetApi } from './analytics/budget-api.js';
import type { LlmCostOptions } from './options.js';
import { validateOptions } from './options-validate.js';
import { CostPipeline } from './pipeline.js';
import { spanInputFromReadable } from './readable-span.js';
import type { FinishedSpan, SpanProcessorLike, StartedSpan } from './span-types.js';

/**
 * A SpanProcessor that prices every LLM span the app's instrumentations emit and records
 * cost, token, request and budget metrics. Add it to the tracer provider next to the
 * exporter's processor. It never throws into the app: problems are counted and reported
 * once through `diag`.
 */
export class LlmCostSpanProcessor implements SpanProcessorLike {
  readonly pipeline: CostPipeline;
  private shutDown = false;

  constructor(options: LlmCostOptions = {}) {
    this.pipeline = new CostPipeline(validateOptions(options as Record<string, unknown>));
  }

  /** Windowed aggregates: byModel, daily, topSessions, topUsers, trend, budgets, summary, ... */
  get analytics(): AnalyticsApi {
    return this.engine().analytics;
  }

  /** Budget status and enforcement: `check(attributes)` before an LLM call. */
  get budgets(): BudgetApi {
    return this.engine().budgets;
  }

  onStart(span: StartedSpan, _parentContext: unknown): void {
    if (this.shutDown) return;
    try {
      const ctx = span.spanContext();
      this.pipeline.start(ctx.spanId, ctx.traceId, span.parentSpanContext?.spanId, span.attributes, span.instrumentationScope?.name);
    } catch {
      // start() catches its own errors; this guards the adapter on foreign span objects.
      this.pipeline.countDropped('internal_error', 1);
    }
  }

  onEnd(span: FinishedSpan): void {
    if (this.shutDown) return;
    try {
      if (!this.pipeline.isCandidate(span.attributes)) {
        this.pipeline.passThrough(span.spanContext().spanId, span.parentSpanContext?.spanId);
        return;
      }
      this.pipeline.handle(spanInputFromReadable(span));
    } catch {
      // handle() catches its own errors; this guards the adapter on foreign span objects.
      this.pipeline.countDropped('internal_error', 1);
    }
  }

  private engine(): NonNullable<CostPipeline['engine']> {
    const engine = this.pipeline.engine;
    if (engine === undefined) throw new Error('otel-llm-cost: analytics are off (analytics: false); remove that option to use processor.analytics and processor.budgets');
    return engine;
  }

  forceFlush(): Promise<void> {
    return this.pipeline.forceFlush();
  }

  shutdown(): Promise<void> {
    if (this.shutDown) return Promise.resolve();
    this.shutDown = true;
    return this.pipeline.shutdown();
  }
}
