// Stage 1 of the pipeline: one finished span -> LlmCall | undefined. Pure, never throws.

import type { LlmCall, PricedCall, SpanInput } from '../types.js';
import { hasLlmAttributes } from './candidate.js';
import { dialectOf } from './dialect.js';
import { ruleFor } from './emitter-rules.js';
import { INPUT_KEYS, LANGFUSE_USAGE_KEY, OUTPUT_KEYS, SERVICE_NAME_KEY } from './keys.js';
import { readLangfuseUsage } from './langfuse.js';
import { memoize } from './memo.js';
import { includePart } from './normalize.js';
import { INVALID, readCount, readDimension, readLabel } from './numbers.js';
import { normalizeProvider } from './providers.js';
import { AttributeScan, Field, Marker } from './scan.js';
import { traceloopOperation } from './traceloop.js';
import { shapeOf } from './wrappers.js';

/** The dimensions of every call when none are configured (one shared object, not one per call). */
const NO_DIMENSIONS: Readonly<Record<string, string>> = Object.freeze({});

/** The fields PriceBook adds to a call. */
type PriceField = Exclude<keyof PricedCall, keyof LlmCall>;

export interface ExtractorOptions {
  /**
   * Extra attribute keys to carry as dimensions: the span attribute, else the resource
   * attribute, stringified (arrays joined with ','). Missing ones are left out. Default: [].
   */
  dimensions?: readonly string[];
  /** service.name when the resource has none. Default: 'unknown_service'. */
  defaultServiceName?: string;
  /**
   * Called once per garbage value seen, with its attribute key (negative, NaN, 1e300, 'abc',
   * arrays, fractional token counts; non-string labels). The field becomes unknown. Default: none.
   */
  onInvalidValue?: (attributeKey: string) => void;
}

type Attributes = Readonly<Record<string, unknown>>;
type Reader<T> = (value: unknown) => T | undefined | typeof INVALID;

const DEFAULT_SERVICE_NAME = 'unknown_service';
const OTHER_ERROR = '_OTHER';
const lowerOperation = memoize((operation) => operation.toLowerCase());
const requestTypeOperation = memoize(traceloopOperation);

export class Extractor {
  private readonly dimensionKeys: readonly string[];
  private readonly defaultServiceName: string;
  private readonly onInvalidValue: ((attributeKey: string) => void) | undefined;
  /** Reused by every extract() call; a re-entrant call (from onInvalidValue) gets its own. */
  private readonly scan = new AttributeScan();
  private scanInUse = false;

  constructor(opts: ExtractorOptions = {}) {
    this.dimensionKeys = [...(opts.dimensions ?? [])];
    this.defaultServiceName = opts.defaultServiceName ?? DEFAULT_SERVICE_NAME;
    this.onInvalidValue = opts.onInvalidValue;
  }

  /** Cheap pre-check on attributes only: false => neither an LLM call nor a wrapper. */
  isCandidate(attributes: Attributes): boolean {
    return hasLlmAttributes(attributes);
  }

  /**
   * LlmCall (role 'call', or 'wrapper' for a wrapper span carrying usage), or undefined
   * (not an LLM span, or a wrapper without usage). Never throws.
   */
  extract(span: SpanInput): LlmCall | undefined {
    if (this.scanInUse) {
      try {
        return this.read(span, new AttributeScan());
      } catch {
        return undefined;
      }
    }
    this.scanInUse = true;
    try {
      return this.read(span, this.scan);
    } catch {
      return undefined;
    } finally {
      this.scan.release();
      this.scanInUse = false;
    }
  }

  private read(span: SpanInput, scan: AttributeScan): LlmCall | undefined {
    const a = span.attributes;
    // The one pass over the attribute keys; everything below reads its result.
    scan.scan(a, span.scopeName);
    const shape = shapeOf(scan);

    // Usage, then the Langfuse usage_details fallback when neither input nor output is there.
    let input = this.field(scan, Field.input, readCount);
    let output = this.field(scan, Field.output, readCount);
    let cacheRead = this.field(scan, Field.cacheRead, readCount);
    let cacheWrite = this.field(scan, Field.cacheWrite, readCount);
    let reasoning = this.field(scan, Field.reasoning, readCount);
    let inclusive = false;
    if (input === undefined && output === undefined && scan.marker(Marker.langfuseUsage) !== undefined) {
      const details = readLangfuseUsage(scan.marker(Marker.langfuseUsage));
      if (details === INVALID || details?.invalid === true) this.invalid(LANGFUSE_USAGE_KEY);
      if (details !== INVALID && details !== undefined) {
        input = details.input;
        output = details.output;
        cacheRead = cacheRead ?? details.cacheRead;
        cacheWrite = cacheWrite ?? details.cacheWrite;
        reasoning = reasoning ?? details.reasoning;
        inclusive = true;
      }
    }

    const requestModel = this.field(scan, Field.requestModel, readLabel);
    const responseModel = this.field(scan, Field.responseModel, readLabel);
    const rawProvider = this.field(scan, Field.provider, readLabel);
    const operation = this.readOperation(scan) ?? shape.operation;
    const carriesUsage = input !== undefined || output !== undefined;

    if (shape.role === 'wrapper') {
      if (!carriesUsage) return undefined;
    } else if (shape.role === 'unmarked') {
      // No dialect marker: a model or usage makes it a call. An operation or provider alone
      // does not (guardrail and framework spans carry those), or requests would count calls
      // that no provider billed.
      const isCall = carriesUsage || requestModel !== undefined || responseModel !== undefined;
      if (!isCall) return undefined;
    }

    const rule = inclusive ? undefined : ruleFor(span.scopeName, span.scopeVersion, a);
    const cachePart = (cacheRead ?? 0) + (cacheWrite ?? 0);
    const inputTotal = rule ? includePart(input, cachePart, rule.inputIncludesCache) : input;
    const outputTotal = rule ? includePart(output, reasoning ?? 0, rule.outputIncludesReasoning) : output;

    const call: LlmCall & Record<PriceField, undefined> = {
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      startTimeMs: span.startTimeMs,
      endTimeMs: span.endTimeMs,
      provider: rawProvider === undefined ? undefined : normalizeProvider(rawProvider),
      requestModel,
      responseModel,
      operation,
      inputTokens: this.checkedSum(inputTotal, INPUT_KEYS[0]),
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
      outputTokens: this.checkedSum(outputTotal, OUTPUT_KEYS[0]),
      reasoningTokens: reasoning,
      sessionId: this.field(scan, Field.session, readLabel),
      userId: this.field(scan, Field.user, readLabel),
      agentName: this.field(scan, Field.agent, readLabel),
      serviceName: this.readServiceName(span.resourceAttributes),
      error: readError(scan.marker(Marker.errorType), span.statusError),
      dialect: dialectOf(scan, span.scopeName),
      role: shape.role === 'wrapper' ? 'wrapper' : 'call',
      dimensions: this.readDimensions(a, span.resourceAttributes),
      // Declared, unset, so that PriceBook.priceInPlace() fills them without changing the shape.
      priced: undefined,
      costUsd: undefined,
      costs: undefined,
      tokens: undefined,
      unpricedReason: undefined,
      pricedAs: undefined,
      cacheSavingsUsd: undefined,
    };
    return call;
  }

  private readOperation(scan: AttributeScan): string | undefined {
    const operation = this.field(scan, Field.operation, readLabel);
    if (operation !== undefined) return lowerOperation(operation);
    const requestType = this.field(scan, Field.requestType, readLabel);
    return requestType === undefined ? undefined : requestTypeOperation(requestType);
  }

  private readServiceName(resource: Attributes): string {
    const name = resource[SERVICE_NAME_KEY];
    return typeof name === 'string' && name.length > 0 ? name : this.defaultServiceName;
  }

  private readDimensions(a: Attributes, resource: Attributes): Readonly<Record<string, string>> {
    if (this.dimensionKeys.length === 0) return NO_DIMENSIONS;
    const out: Record<string, string> = {};
    for (const key of this.dimensionKeys) {
      const raw = a[key] ?? resource[key];
      const value = readDimension(raw);
      if (value === INVALID) this.invalid(key);
      else if (value !== undefined) out[key] = value;
    }
    return out;
  }

  /**
   * The field's value from its winning key (the first present by precedence; null/undefined
   * = absent); garbage there -> undefined + reported, never a fall-back to the next key.
   */
  private field<T>(scan: AttributeScan, field: Field, reader: Reader<T>): T | undefined {
    const key = scan.keys[field];
    if (key === undefined) return undefined;
    const value = reader(scan.values[field]);
    if (value === INVALID) {
      this.invalid(key);
      return undefined;
    }
    return value;
  }

  private checkedSum(value: number | undefined, key: string): number | undefined {
    if (value === undefined || Number.isSafeInteger(value)) return value;
    this.invalid(key);
    return undefined;
  }

  private invalid(key: string): void {
    if (this.onInvalidValue === undefined) return;
    try {
      this.onInvalidValue(key);
    } catch {
      // A failing callback must not turn a valid call into a lost one.
    }
  }
}

function readError(type: unknown, statusError: boolean): string | undefined {
  if (typeof type === 'string' && type.length > 0) return type;
  return statusError ? OTHER_ERROR : undefined;
}
