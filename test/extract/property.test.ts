import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Extractor } from '../../src/extract/index.js';
import {
  CACHE_READ_KEYS,
  CACHE_WRITE_KEYS,
  INPUT_KEYS,
  OUTPUT_KEYS,
  PROVIDER_KEYS,
  REASONING_KEYS,
  REQUEST_MODEL_KEYS,
} from '../../src/extract/keys.js';
import type { SpanInput } from '../../src/types.js';
import { spanInput } from '../fixtures/spans.js';

/** Keys whose values can make a span a wrapper (or a non-call). */
const MARKER_KEYS = ['gen_ai.operation.name', 'openinference.span.kind', 'ai.operationId', 'langfuse.observation.type'];

const KEYS = [
  ...INPUT_KEYS,
  ...OUTPUT_KEYS,
  ...CACHE_READ_KEYS,
  ...CACHE_WRITE_KEYS,
  ...REASONING_KEYS,
  ...PROVIDER_KEYS,
  ...REQUEST_MODEL_KEYS,
  ...MARKER_KEYS,
  'langfuse.observation.usage_details',
  'error.type',
  'embedding.model_name',
  'traceloop.span.kind',
  'session.id',
];

const value = fc.oneof(
  fc.integer({ min: -10, max: 1_000_000 }),
  fc.double(),
  fc.constantFrom(Number.NaN, 1e300, -0, Number.MAX_SAFE_INTEGER, Number.POSITIVE_INFINITY),
  fc.string(),
  fc.stringMatching(/^[0-9]{1,20}$/),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.boolean(),
  fc.constantFrom(null, undefined, 'LLM', 'invoke_agent', 'ai.generateText.doGenerate', '{"input":5,"output":-1}'),
  fc.object({ maxDepth: 1 }),
);

const attributes = fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), value, { maxKeys: 16 });

function spanWith(a: Record<string, unknown>): SpanInput {
  return spanInput(a, { scopeName: '@traceloop/instrumentation-anthropic', scopeVersion: '0.27.0' });
}

const isCount = (n: number | undefined) => n === undefined || (Number.isSafeInteger(n) && n >= 0);

describe('extraction on random attribute sets', () => {
  it('never throws, never rejects an LLM span in the pre-check, and yields only unknown or non-negative safe-integer counts', () => {
    const extractor = new Extractor({ dimensions: ['gen_ai.request.model'], onInvalidValue: () => undefined });
    let calls = 0;
    let counted = 0;
    fc.assert(
      fc.property(attributes, (a) => {
        const candidate = extractor.isCandidate(a);
        const call = extractor.extract(spanWith(a));
        // The pre-check may let non-LLM spans through, never drop an LLM one.
        if (!candidate && call !== undefined) return false;
        // extract() swallows internal errors as undefined: a span with a clean model and no
        // wrapper marker must still come out, so a hidden throw fails here.
        const model = a['gen_ai.request.model'];
        const marked = MARKER_KEYS.some((k) => a[k] !== undefined);
        if (typeof model === 'string' && /^[a-z0-9-]{1,40}$/.test(model) && !marked && call === undefined) return false;
        if (call === undefined) return true;
        calls++;
        if (call.inputTokens !== undefined || call.outputTokens !== undefined) counted++;
        return (
          isCount(call.inputTokens) &&
          isCount(call.outputTokens) &&
          isCount(call.cacheReadTokens) &&
          isCount(call.cacheWriteTokens) &&
          isCount(call.reasoningTokens)
        );
      }),
      { numRuns: 10_000, seed: 20261128 },
    );
    // The generator must actually produce calls, or the property says nothing.
    expect(calls).toBeGreaterThan(2_000);
    expect(counted).toBeGreaterThan(1_000);
  });
});
