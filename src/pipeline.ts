import { diag } from '@opentelemetry/api';
import type { Meter } from '@opentelemetry/api';
import { CostAnalytics } from './analytics/engine.js';
import { Deduper, HELD_EARLY, HeldCalls, keepRicherCopies, MAX_HOLD_MS, spanIndexOf, Verdict } from './dedupe/index.js';
import type { EarlyReason } from './dedupe/index.js';
import type { SpanIndex } from './dedupe/index.js';
import { inheritInBatch } from './attribution/batch.js';
import { OpenSpanAttribution } from './attribution/open-spans.js';
import { AttributionReader, Extractor } from './extract/index.js';
import type { Attribution } from './extract/index.js';
import { CostMetrics } from './metrics/cost-metrics.js';
import { globalMeter, LateMeter } from './metrics/late-meter.js';
import type { HistogramFactory } from './metrics/histogram-recorder.js';
import { PipelineMetrics } from './metrics/pipeline-metrics.js';
import type { LlmCostOptions } from './options.js';
import { PriceBook } from './pricing/index.js';
import { ProblemLog } from './problem-log.js';
import { DEFAULT_CARDINALITY_LIMIT, METER_NAME } from './semconv.js';
import type { LlmCall, PricedCall, SpanInput } from './types.js';
import { VERSION } from './version.js';

/** Counts of what went through the pipeline since start. */
export interface PipelineStats {
  spans: number;
  counted: number;
  priced: number;
  unpriced: number;
  invalidValues: number;
  errors: number;
}

/** Wiring that is not a user option: set by a host that owns its metric reader. */
export interface PipelineInternals {
  histograms?: HistogramFactory;
  /** Called with every call recorded, when it is recorded (replays in tests and examples). */
  onRecorded?: (call: PricedCall) => void;
}

/**
 * extract -> dedupe -> price -> sinks, shared by the in-process span processor and the
 * collector. Nothing here throws on bad span data: problems are counted and logged once.
 */
export class CostPipeline {
  private readonly extractor: Extractor;
  private readonly deduper: Deduper;
  /** In-process: counted calls waiting for an open copy of theirs to end. */
  private readonly held: HeldCalls;
  private readonly attribution: AttributionReader;
  /** In-process: what each open span passes on to the spans under it. */
  private readonly openAttribution: OpenSpanAttribution;
  private readonly priceBook: PriceBook;
  /** undefined when the options say analytics: false. */
  readonly engine: CostAnalytics | undefined;
  readonly stats: PipelineStats = { spans: 0, counted: 0, priced: 0, unpriced: 0, invalidValues: 0, errors: 0 };
  private readonly costMetrics: CostMetrics;
  private readonly health: PipelineMetrics;
  private readonly logger = diag.createComponentLogger({ namespace: METER_NAME });
  private readonly problems = new ProblemLog(this.logger);
  /** Set while no meter provider was given and none is registered globally yet. */
  private lateMeter: LateMeter | undefined;
  private toldNoMeter = false;
  private readonly onRecorded: ((call: PricedCall) => void) | undefined;

  constructor(options: LlmCostOptions = {}, internals: PipelineInternals = {}) {
    const meter: Meter = options.meterProvider?.getMeter(METER_NAME, VERSION) ?? globalMeter(METER_NAME, VERSION) ?? this.waitForMeterProvider();
    const dimensions = options.dimensions ?? [];
    this.onRecorded = internals.onRecorded;
    this.health = new PipelineMetrics(meter);
    this.extractor = new Extractor({
      dimensions,
      defaultServiceName: options.defaultServiceName,
      onInvalidValue: (key) => {
        this.stats.invalidValues++;
        this.health.countInvalid('invalid_value');
        this.problems.report('invalid attribute value', `span attribute ${key} is not a usable value; the field is treated as unknown`);
      },
    });
    this.deduper = new Deduper({
      capacity: options.dedupeCapacity,
      matchUnnestedCopies: options.dedupeUnnestedCopies ?? true,
    });
    const holdBound = Math.max(16, Math.floor((options.dedupeCapacity ?? 100_000) / 10));
    this.held = new HeldCalls({
      maxOpen: holdBound,
      maxHeld: holdBound,
      maxHoldMs: MAX_HOLD_MS,
      clock: options.clock ?? Date.now,
      // Also called from HeldCalls' timer, where nothing above would catch.
      record: (call) => {
        try {
          this.emit(call);
        } catch (err) {
          this.fail('recording a held call failed', err);
        }
      },
      onEarly: (reason, n) => this.heldEarly(reason, n),
    });
    this.attribution = new AttributionReader(dimensions);
    this.openAttribution = new OpenSpanAttribution(this.attribution, holdBound, () =>
      this.problems.report('attribution bound (open spans)', `more than ${holdBound} open spans pass an agent, session, user or dimension on (spans never ended?); the oldest is forgotten, so calls under it inherit nothing from it`),
    );
    this.priceBook = new PriceBook(options.prices);
    this.costMetrics = new CostMetrics(meter, {
      dimensions,
      cardinalityLimit: options.cardinalityLimit ?? DEFAULT_CARDINALITY_LIMIT,
      genAiMetrics: options.genAiMetrics ?? false,
      histograms: internals.histograms,
    });
    this.engine = options.analytics === false ? undefined : CostAnalytics.open({
      store: options.store ?? ':memory:',
      clock: options.clock ?? Date.now,
      budgets: options.budgets ?? [],
      timezone: options.timezone ?? 'UTC',
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      storeBacklogBytes: options.storeBacklogBytes,
      onDropped: (reason, rows) => this.health.countDropped(reason, rows),
      meter,
      onBudgetEvent: options.onBudgetEvent,
      ledgerRetentionDays: options.ledgerRetentionDays,
      forecastMethod: options.forecastMethod,
      budgetStore: options.budgetStore === undefined ? undefined : {
        url: options.budgetStore,
        keyPrefix: options.budgetStoreKeyPrefix ?? 'otel-llm-cost:',
        syncMs: options.budgetSyncMs ?? 1000,
        unavailable: options.budgetStoreUnavailable ?? 'allow',
      },
    });
  }

  /**
   * No meter provider yet: NodeSDK builds the processor before `start()` registers one.
   * Instruments attach when it appears: checked once the current set-up code has run
   * (so the budget gauges are there for the first scrape) and at every counted call.
   */
  private waitForMeterProvider(): LateMeter {
    const late = new LateMeter(() => globalMeter(METER_NAME, VERSION));
    this.lateMeter = late;
    setImmediate(() => {
      if (late.bind()) this.lateMeter = undefined;
    }).unref();
    return late;
  }

  private bindLateMeter(late: LateMeter): void {
    if (late.bind()) {
      this.lateMeter = undefined;
      return;
    }
    if (this.toldNoMeter) return;
    this.toldNoMeter = true;
    this.logger.warn('no MeterProvider is registered, so no cost metrics are exported yet (they are kept, and exported once one is registered): '
      + 'register one (NodeSDK with a metricReader, or metrics.setGlobalMeterProvider) or pass meterProvider to LlmCostSpanProcessor');
  }

  /** The extractor's cheap pre-check: false => neither an LLM call nor a wrapper (see passThrough). */
  isCandidate(attributes: SpanInput['attributes']): boolean {
    return this.extractor.isCandidate(attributes);
  }

  /**
   * In-process path, at span start: what the span passes on to the spans under it (agent,
   * session, user, dimensions) is kept while it is open; a span that may be a call is tracked
   * while open, so that a copy of it that ends first is held until it ends (dedupe/held-calls.ts).
   */
  start(spanId: string, traceId: string, parentSpanId: string | undefined, attributes: SpanInput['attributes'], scopeName: string | undefined): void {
    try {
      this.openAttribution.started(spanId, parentSpanId, attributes);
      if (this.extractor.mayBeCall(attributes, scopeName)) this.held.started(spanId, traceId);
    } catch (err) {
      this.fail('span start failed', err);
    }
  }

  /**
   * In-process path: one finished span, in end order. Returns the call counted and recorded
   * now, if any (a call held for an open copy is recorded later: see start()).
   */
  handle(span: SpanInput): PricedCall | undefined {
    this.stats.spans++;
    try {
      this.held.ended(span.spanId);
      const call = this.extractor.extract(span, this.openAttribution.ended(span.spanId));
      let recorded: PricedCall | undefined;
      if (this.deduper.decide(span, call, this.held.anyOpen(span.traceId))) {
        if (call !== undefined && !this.held.hold(call)) recorded = this.emit(call);
      } else if (call !== undefined) {
        this.held.offer(call, this.deduper.copyOf);
      }
      this.held.settle(span.traceId);
      return recorded;
    } catch (err) {
      this.fail('span processing failed', err);
      return undefined;
    }
  }

  /** A span the extractor's cheap pre-check already ruled out: only dedupe marks move. */
  passThrough(spanId: string, parentSpanId: string | undefined): void {
    this.stats.spans++;
    this.openAttribution.ended(spanId);
    this.deduper.passThrough(spanId, parentSpanId);
    // A span tracked at start as a possible call (attributes set late) that ended as none: the
    // calls of its trace held for it are recorded now, not when another LLM span ends.
    const heldFor = this.held.ended(spanId);
    if (heldFor !== undefined) this.held.settle(heldFor);
  }

  /**
   * Collector path: one OTLP batch in any order. Results are aligned with `spans`: the calls
   * counted now, and the calls of spans counted when an earlier request carried them (an
   * exporter re-sending a batch), priced again for annotation but recorded nowhere.
   * `index`: the spans by id, when the decoder keyed them already.
   */
  handleBatch(spans: readonly SpanInput[], index?: SpanIndex): (PricedCall | undefined)[] {
    this.stats.spans += spans.length;
    const results = new Array<PricedCall | undefined>(spans.length).fill(undefined);
    try {
      const byId = index ?? spanIndexOf(spans);
      // What each LLM span inherits from its ancestors in this request.
      const inherited = inheritInBatch(spans, byId, this.attribution, (i) => this.extractor.isCandidate(spans[i]!.attributes));
      const calls = new Array<LlmCall | undefined>(spans.length);
      for (let i = 0; i < spans.length; i++) calls[i] = this.safeExtract(spans[i]!, inherited?.[i]);
      const copyOf = new Int32Array(spans.length);
      const verdicts = this.deduper.decideBatch(spans, calls, byId, copyOf);
      const keptAt = keepRicherCopies(calls, copyOf);
      for (let i = 0; i < spans.length; i++) {
        const call = calls[i];
        if (call === undefined) continue;
        if (verdicts[i] === Verdict.Counted) {
          // The copy kept is priced on the span it came from (that span gets the annotation).
          const at = keptAt === undefined ? i : keptAt[i]!;
          if (at !== i) this.deduper.recountAs(spans[i]!.spanId, spans[at]!.spanId, spans[i]!.traceId);
          results[at] = this.emit(calls[at]!);
        } else if (verdicts[i] === Verdict.CountedBefore) results[i] = this.priceBook.price(call);
      }
    } catch (err) {
      this.fail('batch processing failed', err);
    }
    return results;
  }

  /** Spans or payloads rejected before reaching the pipeline (collector decoding). */
  countInvalid(reason: string, n: number): void {
    this.health.countInvalid(reason, n);
  }

  countDropped(reason: string, n: number): void {
    this.health.countDropped(reason, n);
  }

  /** Label sets folded into otel.metric.overflow=true so far. */
  get overflowedSeries(): number {
    return this.costMetrics.overflowed;
  }

  async forceFlush(): Promise<void> {
    this.recordHeld();
    await this.engine?.flush();
  }

  async shutdown(): Promise<void> {
    this.recordHeld();
    this.held.close();
    this.problems.summary();
    await this.engine?.close();
  }

  private recordHeld(): void {
    try {
      this.held.recordAll();
    } catch (err) {
      this.fail('recording held calls failed', err);
    }
  }

  private heldEarly(reason: EarlyReason, n: number): void {
    this.problems.report(`dedupe hold bound (${reason})`, HELD_EARLY[reason], n);
  }

  private safeExtract(span: SpanInput, inherited: Attribution | undefined): LlmCall | undefined {
    try {
      return this.extractor.isCandidate(span.attributes) ? this.extractor.extract(span, inherited) : undefined;
    } catch (err) {
      this.fail('span extraction failed', err);
      return undefined;
    }
  }

  private emit(call: LlmCall): PricedCall {
    if (this.lateMeter !== undefined) this.bindLateMeter(this.lateMeter);
    const priced = this.priceBook.price(call);
    this.stats.counted++;
    if (priced.priced) this.stats.priced++;
    else {
      this.stats.unpriced++;
      if (priced.unpricedReason === 'unknown_model') {
        this.problems.report('unknown model', `no price for ${priced.provider ?? '?'}/${priced.responseModel ?? priced.requestModel}; counted with llm.priced=false (add it under prices.models)`);
      }
    }
    if (priced.cacheDetailMissing !== undefined) {
      this.health.countWithoutCacheDetail(priced);
      this.problems.report(
        `priced without cache detail (${priced.cacheDetailMissing})`,
        `${priced.cacheDetailMissing} reports no cached tokens for ${priced.provider ?? '?'} calls, which the provider caches on its own: cached prompts are charged at the full input rate, so these costs are an upper bound (counted in llm.requests.without_cache_detail; an instrumentation that reports cache reads, e.g. OpenInference or a newer version, prices them exactly)`,
      );
    }
    this.costMetrics.record(priced);
    this.engine?.record(priced);
    this.onRecorded?.(priced);
    return priced;
  }

  private fail(kind: string, err: unknown): void {
    this.stats.errors++;
    this.health.countDropped('internal_error');
    this.problems.report(kind, err instanceof Error ? err.message : String(err));
  }
}
