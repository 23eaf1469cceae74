// Which of two copies of one call (two instrumentations tracing the same request) is kept.
// Copies are never summed: the kept copy's counts are the call's counts.

import type { LlmCall } from '../types.js';

/**
 * How informative a copy is, as a number compared lexicographically by bit, most important
 * first. The order follows what each field changes in the price and the labels:
 *   1. usage (input or output count): without it the call cannot be priced at all;
 *   2. cache read count: an emitter without it prices cached prompts at the full input rate
 *      (+30% in the LangChain example);
 *   3. cache write count: Anthropic and Bedrock charge writes above the input rate;
 *   4. reasoning count: splits output into the reasoning partition (llm.token.type);
 *   5. response model: prices the snapshot that ran, and labels it;
 *   6. provider: picks the catalog's provider (the model alone usually finds it).
 * A key that is present counts even when its value is 0: the emitter reported it.
 */
export function richness(call: LlmCall): number {
  return (
    (call.inputTokens !== undefined || call.outputTokens !== undefined ? 32 : 0) |
    (call.cacheReadTokens !== undefined ? 16 : 0) |
    (call.cacheWriteTokens !== undefined ? 8 : 0) |
    (call.reasoningTokens !== undefined ? 4 : 0) |
    (call.responseModel !== undefined ? 2 : 0) |
    (call.provider !== undefined ? 1 : 0)
  );
}

/**
 * The copy to keep of `kept` (decided first) and `other`: the richer one, `kept` on a tie.
 * Counts all come from that copy. The names it lacks (provider, request and response model,
 * service tier) are taken from the other copy, which names the same request: the LangChain
 * copy has the cache counts, the OpenAI client's copy the provider and the response snapshot.
 */
export function richerCopy(kept: LlmCall, other: LlmCall): LlmCall {
  const keepOther = richness(other) > richness(kept);
  const base = keepOther ? other : kept;
  const rest = keepOther ? kept : other;
  if (
    (base.provider !== undefined || rest.provider === undefined) &&
    (base.requestModel !== undefined || rest.requestModel === undefined) &&
    (base.responseModel !== undefined || rest.responseModel === undefined) &&
    (base.serviceTier !== undefined || rest.serviceTier === undefined)
  ) {
    return base;
  }
  return {
    ...base,
    provider: base.provider ?? rest.provider,
    requestModel: base.requestModel ?? rest.requestModel,
    responseModel: base.responseModel ?? rest.responseModel,
    serviceTier: base.serviceTier ?? rest.serviceTier,
  };
}

/** One of the two shares a model name with the other (request or response, either way). */
export function sharesModel(
  a: Pick<LlmCall, 'requestModel' | 'responseModel'>,
  b: Pick<LlmCall, 'requestModel' | 'responseModel'>,
): boolean {
  const { requestModel: req, responseModel: resp } = a;
  return (
    (req !== undefined && (req === b.requestModel || req === b.responseModel)) ||
    (resp !== undefined && (resp === b.requestModel || resp === b.responseModel))
  );
}

/**
 * How far apart two spans' recorded times may be off. The OpenTelemetry JS SDK takes a span's
 * start from Date.now() (whole milliseconds, up to 1 ms early) and its end as that start plus
 * a sub-ms duration, so every time of a span is off by the same fraction of a millisecond:
 * an inner span ending 0.3 ms before its outer one can be recorded 0.5 ms after it.
 */
const CLOCK_SLACK_MS = 1;

/** One call's time range lies inside the other's, give or take the SDK's clock slack. */
export function nestedInTime(a: Pick<LlmCall, 'startTimeMs' | 'endTimeMs'>, b: Pick<LlmCall, 'startTimeMs' | 'endTimeMs'>): boolean {
  return inside(a, b) || inside(b, a);
}

function inside(inner: Pick<LlmCall, 'startTimeMs' | 'endTimeMs'>, outer: Pick<LlmCall, 'startTimeMs' | 'endTimeMs'>): boolean {
  return inner.startTimeMs >= outer.startTimeMs - CLOCK_SLACK_MS && inner.endTimeMs <= outer.endTimeMs + CLOCK_SLACK_MS;
}

/**
 * For a batch where some calls were found to copy a counted call (decideBatch's copyOf): per
 * counted position, the position of the copy whose counts are kept (richerCopy), the richer
 * copy put in place in `calls`. undefined when no call copies another.
 */
export function keepRicherCopies(calls: Array<LlmCall | undefined>, copyOf: Int32Array): Int32Array | undefined {
  let keptAt: Int32Array | undefined;
  for (let i = 0; i < copyOf.length; i++) {
    const s = copyOf[i]!;
    if (s < 0) continue;
    if (keptAt === undefined) keptAt = Int32Array.from(copyOf, (_, k) => k);
    const at = keptAt[s]!;
    const kept = richerCopy(calls[at]!, calls[i]!);
    if (kept === calls[at]) continue;
    // The other copy won (its span id), or the kept one took names from it.
    const winner = kept.spanId === calls[i]!.spanId ? i : at;
    calls[winner] = kept;
    keptAt[s] = winner;
  }
  return keptAt;
}
