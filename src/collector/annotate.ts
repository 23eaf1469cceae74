// Builds the body forwarded downstream: the request as received, with llm.cost.usd (double)
// and llm.priced (bool) added to every counted LLM span, and our cost as gen_ai.usage.cost
// (the name LiteLLM writes and Langfuse reads) on spans that carry no such attribute. "No such
// attribute" means the key is absent, not that its value was unreadable: a span whose own
// gen_ai.usage.cost is garbage keeps it as it came, and gets no second key of that name (a
// backend would read either one).
import { SPAN_ATTR_COST, SPAN_ATTR_PRICED, SPAN_ATTR_USAGE_COST } from '../semconv.js';
import type { PricedCall } from '../types.js';
import type { DecodedBatch } from './decoded-batch.js';
import type { JsonDecodedBatch } from './otlp-json-decode.js';
import { encodeBoolAttribute, encodeDoubleAttribute } from './proto-writer.js';
import { spliceSpanExtras } from './proto-splice.js';

/** What the annotation of one counted span reads. */
type SpanCost = Pick<PricedCall, 'priced' | 'costUsd'>;

const PRICED_TRUE = encodeBoolAttribute(SPAN_ATTR_PRICED, true);
const PRICED_FALSE = encodeBoolAttribute(SPAN_ATTR_PRICED, false);

export function annotateProto(body: Buffer, batch: DecodedBatch, results: readonly (SpanCost | undefined)[]): Buffer {
  const extras = new Map<number, Buffer>();
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (r === undefined) continue;
    const ordinal = batch.ordinals[i]!;
    let extra = PRICED_FALSE;
    if (r.priced && r.costUsd !== undefined) {
      const cost = encodeDoubleAttribute(SPAN_ATTR_COST, r.costUsd);
      extra =
        batch.spans[i]!.attributes[SPAN_ATTR_USAGE_COST] === undefined
          ? Buffer.concat([cost, PRICED_TRUE, encodeDoubleAttribute(SPAN_ATTR_USAGE_COST, r.costUsd)])
          : Buffer.concat([cost, PRICED_TRUE]);
    }
    extras.set(ordinal, extra);
  }
  return spliceSpanExtras(body, extras);
}

export function annotateJson(batch: JsonDecodedBatch, results: readonly (SpanCost | undefined)[]): Buffer {
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (r === undefined) continue;
    const span = batch.rawSpans[i]!;
    const attrs = Array.isArray(span.attributes) ? (span.attributes as unknown[]) : [];
    if (r.priced && r.costUsd !== undefined) attrs.push({ key: SPAN_ATTR_COST, value: { doubleValue: r.costUsd } });
    attrs.push({ key: SPAN_ATTR_PRICED, value: { boolValue: r.priced } });
    if (r.priced && r.costUsd !== undefined && !attrs.some(isUsageCost)) attrs.push({ key: SPAN_ATTR_USAGE_COST, value: { doubleValue: r.costUsd } });
    span.attributes = attrs;
  }
  return Buffer.from(JSON.stringify(batch.root), 'utf8');
}

/** A raw OTLP/JSON KeyValue named gen_ai.usage.cost, whatever its value. */
function isUsageCost(kv: unknown): boolean {
  return typeof kv === 'object' && kv !== null && (kv as { key?: unknown }).key === SPAN_ATTR_USAGE_COST;
}
