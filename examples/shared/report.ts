// Console output shared by the examples: the calls the mock billed, what otel-llm-cost
// priced, the cost-relevant attributes of the raw spans, and the /metrics excerpt.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import type { LlmCostSpanProcessor, PricedCall } from '../../src/index.js';
import type { MockCall } from '../mock-llm/types.js';
import { totalOf, trueCost, usd } from './expected.js';

const COST_KEYS = /token|usage|model|system|provider|operation|span\.kind|operationId/i;

/** The attributes of a span that matter for cost (no prompt text). */
export function costAttributes(span: ReadableSpan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (COST_KEYS.test(key) && !/messages|instructions|prompt\.\d|input\.value|output\.value|invocation_parameters/.test(key)) out[key] = value;
  }
  return out;
}

export function printSpans(spans: ReadableSpan[]): void {
  console.log('\nRaw spans (cost-relevant attributes):');
  for (const span of spans) {
    console.log(`- ${span.name}  [${span.instrumentationScope.name}@${span.instrumentationScope.version ?? '?'}]`);
    for (const [key, value] of Object.entries(costAttributes(span))) console.log(`    ${key} = ${JSON.stringify(value)}`);
  }
}

export function printCalls(mockCalls: MockCall[], priced: PricedCall[]): void {
  console.log('\nRequests the mock answered (its usage priced by genai-prices):');
  mockCalls.forEach((call, i) => {
    const u = call.usage;
    console.log(
      `${String(i + 1).padStart(2)}. ${call.api}${call.stream ? ' (stream)' : ''} ${call.responseModel}: ` +
        `in=${u.inputTokens} cache_read=${u.cacheReadTokens} cache_write=${u.cacheWriteTokens} out=${u.outputTokens} reasoning=${u.reasoningTokens}  ${usd(trueCost(call))}`,
    );
  });
  console.log('\nCalls otel-llm-cost counted (from the spans):');
  priced.forEach((call, i) => {
    const tokens = (n: number | undefined): string => (n === undefined ? '?' : String(n));
    console.log(
      `${String(i + 1).padStart(2)}. [${call.dialect}] ${call.provider ?? '?'}/${call.responseModel ?? call.requestModel ?? '?'}: ` +
        `in=${tokens(call.inputTokens)} cache_read=${tokens(call.cacheReadTokens)} cache_write=${tokens(call.cacheWriteTokens)} ` +
        `out=${tokens(call.outputTokens)} reasoning=${tokens(call.reasoningTokens)}  ${call.priced ? usd(call.costUsd) : `unpriced (${call.unpricedReason ?? '?'})`}`,
    );
  });
  const expected = totalOf(mockCalls.map(trueCost));
  const counted = totalOf(priced.map((c) => c.costUsd ?? 0));
  const unpriced = priced.filter((c) => !c.priced).length;
  console.log(`\n${mockCalls.length} requests, ${priced.length} counted${unpriced > 0 ? ` (${unpriced} unpriced)` : ''}. Billed ${usd(expected)}, counted ${usd(counted)} (difference ${usd(counted - expected)}).`);
}

export function printAnalytics(processor: LlmCostSpanProcessor): void {
  console.log('\nprocessor.analytics.byModel():');
  for (const row of processor.analytics.byModel()) {
    console.log(`  ${row.provider}/${row.model}: ${usd(row.costUsd)} over ${row.calls} calls (${row.unpricedCalls} unpriced)`);
  }
  const sessions = processor.analytics.topSessions({ n: 3 });
  if (sessions.length > 0) console.log(`processor.analytics.topSessions(): ${sessions.map((s) => `${s.id} ${usd(s.costUsd)}`).join(', ')}`);
  const users = processor.analytics.topUsers({ n: 3 });
  if (users.length > 0) console.log(`processor.analytics.topUsers(): ${users.map((u) => `${u.id} ${usd(u.costUsd)}`).join(', ')}`);
  const agents = processor.analytics.by({ dimension: 'agent' });
  if (agents.some((row) => row.key !== '')) {
    console.log(`processor.analytics.by({ dimension: 'agent' }): ${agents.map((row) => `${row.key || '(no agent)'} ${usd(row.costUsd)} over ${row.calls} calls`).join(', ')}`);
  }
}

export function printMetrics(metricsUrl: string, text: string): void {
  console.log(`\nExcerpt of ${metricsUrl}:`);
  console.log(text);
}
