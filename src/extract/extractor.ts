// Stage 1 of the pipeline: one finished span -> LlmCall | undefined. Pure, never throws.

import type { LlmCall, SpanInput } from '../types.js';
import { hasLlmAttributes } from './candidate.js';
import { detectDialect } from './dialect.js';
import { ruleFor } from './emitter-rules.js';
import {
  AGENT_KEYS,
  CACHE_READ_KEYS,
  CACHE_WRITE_KEYS,
  ERROR_TYPE_KEY,
  INPUT_KEYS,
  LANGFUSE_USAGE_KEY,
  OPERATION_KEY,
  OUTPUT_KEYS,
  PROVIDER_KEYS,
  REASONING_KEYS,
  REQUEST_MODEL_KEYS,
  RESPONSE_MODEL_KEYS,
  SERVICE_NAME_KEY,
  SESSION_KEYS,
  TRACELOOP_REQUEST_TYPE_KEY,
  USER_KEYS,
} from './keys.js';
import { readLangfuseUsage } from './langfuse.js';
import { includePart } from './normalize.js';
import { INVALID, readCount, readDimension, readLabel } from './numbers.js';
import { normalizeProvider } from './providers.js';
import { traceloopOperation } from './traceloop.js';
import { spanShape } from './wrappers.js';

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

interface Usage {
  input: number | undefined;
  output: number | undefined;
  cacheRead: number | undefined;
  cacheWrite: number | undefined;
  reasoning: number | undefined;
  /** The counts are already inclusive (no emitter rule applies). */
  inclusive: boolean;
}

const DEFAULT_SERVICE_NAME = 'unknown_service';
const OPERATION_KEYS = [OPERATION_KEY];
const REQUEST_TYPE_KEYS = [TRACELOOP_REQUEST_TYPE_KEY];
const OTHER_ERROR = '_OTHER';

export class Extractor {
  private readonly dimensionKeys: readonly string[];
  private readonly defaultServiceName: string;
  private readonly onInvalidValue: ((attributeKey: string) => void) | undefined;

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
    try {
      return this.read(span);
    } catch {
      return undefined;
    }
  }

  private read(span: SpanInput): LlmCall | undefined {
    const a = span.attributes;
    const shape = spanShape(a);
    const usage = this.readUsage(a);
    const requestModel = this.first(a, REQUEST_MODEL_KEYS, readLabel);
    const responseModel = this.first(a, RESPONSE_MODEL_KEYS, readLabel);
    const rawProvider = this.first(a, PROVIDER_KEYS, readLabel);
    const operation = this.readOperation(a) ?? shape.operation;
    const carriesUsage = usage.input !== undefined || usage.output !== undefined;

    if (shape.role === 'wrapper') {
      if (!carriesUsage) return undefined;
    } else if (shape.role === 'unmarked') {
      // No dialect marker: a model or usage makes it a call. An operation or provider alone
      // does not (guardrail and framework spans carry those), or requests would count calls
      // that no provider billed.
      const isCall = carriesUsage || requestModel !== undefined || responseModel !== undefined;
      if (!isCall) return undefined;
    }

    const rule = usage.inclusive ? undefined : ruleFor(span.scopeName, span.scopeVersion, a);
    const cachePart = (usage.cacheRead ?? 0) + (usage.cacheWrite ?? 0);
    const input = rule ? includePart(usage.input, cachePart, rule.inputIncludesCache) : usage.input;
    const output = rule ? includePart(usage.output, usage.reasoning ?? 0, rule.outputIncludesReasoning) : usage.output;

    return {
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      startTimeMs: span.startTimeMs,
      endTimeMs: span.endTimeMs,
      provider: rawProvider === undefined ? undefined : normalizeProvider(rawProvider),
      requestModel,
      responseModel,
      operation,
      inputTokens: this.checkedSum(input, INPUT_KEYS[0]),
      cacheReadTokens: usage.cacheRead,
      cacheWriteTokens: usage.cacheWrite,
      outputTokens: this.checkedSum(output, OUTPUT_KEYS[0]),
      reasoningTokens: usage.reasoning,
      sessionId: this.first(a, SESSION_KEYS, readLabel),
      userId: this.first(a, USER_KEYS, readLabel),
      agentName: this.first(a, AGENT_KEYS, readLabel),
      serviceName: this.readServiceName(span.resourceAttributes),
      error: readError(span),
      dialect: detectDialect(a, span.scopeName),
      role: shape.role === 'wrapper' ? 'wrapper' : 'call',
      dimensions: this.readDimensions(a, span.resourceAttributes),
    };
  }

  private readUsage(a: Attributes): Usage {
    const input = this.first(a, INPUT_KEYS, readCount);
    const output = this.first(a, OUTPUT_KEYS, readCount);
    const cacheRead = this.first(a, CACHE_READ_KEYS, readCount);
    const cacheWrite = this.first(a, CACHE_WRITE_KEYS, readCount);
    const reasoning = this.first(a, REASONING_KEYS, readCount);
    if (input !== undefined || output !== undefined || a[LANGFUSE_USAGE_KEY] === undefined) {
      return { input, output, cacheRead, cacheWrite, reasoning, inclusive: false };
    }
    const details = readLangfuseUsage(a[LANGFUSE_USAGE_KEY]);
    if (details === INVALID || details?.invalid === true) this.invalid(LANGFUSE_USAGE_KEY);
    if (details === INVALID || details === undefined) {
      return { input, output, cacheRead, cacheWrite, reasoning, inclusive: false };
    }
    return {
      input: details.input,
      output: details.output,
      cacheRead: cacheRead ?? details.cacheRead,
      cacheWrite: cacheWrite ?? details.cacheWrite,
      reasoning: reasoning ?? details.reasoning,
      inclusive: true,
    };
  }

  private readOperation(a: Attributes): string | undefined {
    const operation = this.first(a, OPERATION_KEYS, readLabel);
    if (operation !== undefined) return operation.toLowerCase();
    const requestType = this.first(a, REQUEST_TYPE_KEYS, readLabel);
    return requestType === undefined ? undefined : traceloopOperation(requestType);
  }

  private readServiceName(resource: Attributes): string {
    const name = resource[SERVICE_NAME_KEY];
    return typeof name === 'string' && name.length > 0 ? name : this.defaultServiceName;
  }

  private readDimensions(a: Attributes, resource: Attributes): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of this.dimensionKeys) {
      const raw = a[key] ?? resource[key];
      const value = readDimension(raw);
      if (value === INVALID) this.invalid(key);
      else if (value !== undefined) out[key] = value;
    }
    return out;
  }

  /** The value of the first present key (null/undefined = absent); garbage there -> undefined + reported. */
  private first<T>(a: Attributes, keys: readonly string[], reader: Reader<T>): T | undefined {
    for (const key of keys) {
      const raw = a[key];
      if (raw === undefined || raw === null) continue;
      const value = reader(raw);
      if (value === INVALID) {
        this.invalid(key);
        return undefined;
      }
      if (value !== undefined) return value;
    }
    return undefined;
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

function readError(span: SpanInput): string | undefined {
  const type = span.attributes[ERROR_TYPE_KEY];
  const typed = typeof type === 'string' && type.length > 0 ? type : undefined;
  if (typed !== undefined) return typed;
  return span.statusError ? OTHER_ERROR : undefined;
}
