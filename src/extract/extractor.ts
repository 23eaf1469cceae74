// Stage 1 of the pipeline: one finished span -> LlmCall | undefined. Pure, never throws.

import type { LlmCall, ServiceTier, SpanInput } from '../types.js';
import type { Attribution } from './attribution.js';
import { hasLlmAttributes, LATE_ATTRIBUTE_SCOPES } from './candidate.js';
import { dialectOf } from './dialect.js';
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
  OPENINFERENCE_INVOCATION_PARAMETERS_KEY,
  RESPONSE_MODEL_KEYS,
  SERVICE_TIER_KEYS,
  SPAN_COST_KEYS,
  VERCEL_PROVIDER_METADATA_KEY,
  SERVICE_NAME_KEY,
  SESSION_KEYS,
  TRACELOOP_REQUEST_TYPE_KEY,
  USER_KEYS,
} from './keys.js';
import { readLangfuseUsage } from './langfuse.js';
import { memoize } from './memo.js';
import { includePart } from './normalize.js';
import { INVALID, readCount, readDimension, readLabel, readUsd } from './numbers.js';
import { normalizeServiceTier, tierFromInvocationParameters, tierFromProviderMetadata } from './service-tier.js';
import { normalizeProvider } from './providers.js';
import { traceloopOperation } from './traceloop.js';
import { shapeOf } from './wrappers.js';

/** The dimensions of every call when none are configured (one shared object, not one per call). */
const NO_DIMENSIONS: Readonly<Record<string, string>> = Object.freeze({});

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

/**
 * Providers whose APIs cache long prompts on their own (no request opts in), so an emitter
 * that drops cache counts overstates their cost: OpenAI (and Azure OpenAI) from 1024 tokens,
 * DeepSeek (context caching on disk), xAI.
 */
const CACHES_AUTOMATICALLY: ReadonlySet<string> = new Set(['openai', 'azure.ai.openai', 'az.ai.openai', 'deepseek', 'x_ai', 'xai']);

type Attributes = Readonly<Record<string, unknown>>;
type Reader<T> = (value: unknown) => T | undefined | typeof INVALID;

const DEFAULT_SERVICE_NAME = 'unknown_service';
const OTHER_ERROR = '_OTHER';
const OPERATION_KEYS = [OPERATION_KEY];
const REQUEST_TYPE_KEYS = [TRACELOOP_REQUEST_TYPE_KEY];
const lowerOperation = memoize((operation) => operation.toLowerCase());
const requestTypeOperation = memoize(traceloopOperation);

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
   * At span start: may this span turn out to be a call (an LLM span that is not a wrapper)?
   * From the attributes given at start, or the scope for emitters that set them only at the
   * end. False positives are fine.
   */
  mayBeCall(attributes: Attributes, scopeName: string | undefined): boolean {
    if (hasLlmAttributes(attributes)) return shapeOf(attributes).role !== 'wrapper';
    return scopeName !== undefined && LATE_ATTRIBUTE_SCOPES.has(scopeName);
  }

  /**
   * LlmCall (role 'call', or 'wrapper' for a wrapper span carrying usage), or undefined
   * (not an LLM span, or a wrapper without usage). Never throws. `inherited`: the agent,
   * session, user and dimensions of the span's ancestors, used where the span has none of
   * its own (before resource attributes, for dimensions).
   */
  extract(span: SpanInput, inherited?: Attribution): LlmCall | undefined {
    try {
      return this.read(span, inherited);
    } catch {
      return undefined;
    }
  }

  private read(span: SpanInput, inherited: Attribution | undefined): LlmCall | undefined {
    const a = span.attributes;
    const shape = shapeOf(a);

    // Usage, then the Langfuse usage_details fallback when neither input nor output is there.
    let input = this.count(a, INPUT_KEYS);
    let output = this.count(a, OUTPUT_KEYS);
    let cacheRead = this.count(a, CACHE_READ_KEYS);
    let cacheWrite = this.count(a, CACHE_WRITE_KEYS);
    let reasoning = this.count(a, REASONING_KEYS);
    let inclusive = false;
    if (input === undefined && output === undefined && a[LANGFUSE_USAGE_KEY] !== undefined) {
      const details = readLangfuseUsage(a[LANGFUSE_USAGE_KEY]);
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

    const requestModel = this.label(a, REQUEST_MODEL_KEYS);
    const responseModel = this.label(a, RESPONSE_MODEL_KEYS);
    const rawProvider = this.label(a, PROVIDER_KEYS);
    const operation = this.readOperation(a) ?? shape.operation;
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
      inputTokens: this.checkedSum(inputTotal, INPUT_KEYS[0]),
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
      outputTokens: this.checkedSum(outputTotal, OUTPUT_KEYS[0]),
      reasoningTokens: reasoning,
      sessionId: this.label(a, SESSION_KEYS) ?? inherited?.sessionId,
      userId: this.label(a, USER_KEYS) ?? inherited?.userId,
      agentName: this.label(a, AGENT_KEYS) ?? inherited?.agentName,
      serviceName: this.readServiceName(span.resourceAttributes),
      error: readError(a[ERROR_TYPE_KEY], span.statusError),
      dialect: dialectOf(a, span.scopeName),
      role: shape.role === 'wrapper' ? 'wrapper' : 'call',
      dimensions: this.readDimensions(a, span.resourceAttributes, inherited?.dimensions),
      serviceTier: this.readServiceTier(a),
      cacheDetailMissing:
        rule?.omitsCacheCounts === true && cacheRead === undefined && rawProvider !== undefined && CACHES_AUTOMATICALLY.has(normalizeProvider(rawProvider))
          ? `${span.scopeName ?? ''} ${span.scopeVersion ?? ''}`.trim()
          : undefined,
      spanCostUsd: this.field(a, SPAN_COST_KEYS, readUsd, false),
    };
  }

  /** The tier from its own keys, else from the JSON attributes of the Vercel AI SDK and OpenInference. */
  private readServiceTier(a: Attributes): ServiceTier | undefined {
    const raw = this.label(a, SERVICE_TIER_KEYS);
    if (raw !== undefined) return normalizeServiceTier(raw);
    const metadata = a[VERCEL_PROVIDER_METADATA_KEY];
    if (metadata !== undefined) return tierFromProviderMetadata(metadata);
    const parameters = a[OPENINFERENCE_INVOCATION_PARAMETERS_KEY];
    return parameters === undefined ? undefined : tierFromInvocationParameters(parameters);
  }

  private readOperation(a: Attributes): string | undefined {
    const operation = this.label(a, OPERATION_KEYS);
    if (operation !== undefined) return lowerOperation(operation);
    const requestType = this.label(a, REQUEST_TYPE_KEYS);
    return requestType === undefined ? undefined : requestTypeOperation(requestType);
  }

  private readServiceName(resource: Attributes): string {
    const name = resource[SERVICE_NAME_KEY];
    return typeof name === 'string' && name.length > 0 ? name : this.defaultServiceName;
  }

  /** Each dimension from the span, else its nearest ancestor, else the resource. */
  private readDimensions(a: Attributes, resource: Attributes, inherited: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> {
    if (this.dimensionKeys.length === 0) return NO_DIMENSIONS;
    const out: Record<string, string> = {};
    for (const key of this.dimensionKeys) {
      const own = a[key];
      if ((own === undefined || own === null) && inherited?.[key] !== undefined) {
        out[key] = inherited[key];
        continue;
      }
      const raw = own ?? resource[key];
      const value = readDimension(raw);
      if (value === INVALID) this.invalid(key);
      else if (value !== undefined) out[key] = value;
    }
    return out;
  }

  /**
   * The field's value from its winning key: the first of `keys` present on the span
   * (null/undefined = absent; '' too for labels, as readLabel('') is undefined). Garbage
   * there -> undefined + reported, never a fall-back to the next key.
   */
  private field<T>(a: Attributes, keys: readonly string[], reader: Reader<T>, emptyIsAbsent: boolean): T | undefined {
    for (const key of keys) {
      const raw = a[key];
      if (raw === undefined || raw === null || (emptyIsAbsent && raw === '')) continue;
      const value = reader(raw);
      if (value !== INVALID) return value;
      this.invalid(key);
      return undefined;
    }
    return undefined;
  }

  private count(a: Attributes, keys: readonly string[]): number | undefined {
    return this.field(a, keys, readCount, false);
  }

  private label(a: Attributes, keys: readonly string[]): string | undefined {
    return this.field(a, keys, readLabel, true);
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
