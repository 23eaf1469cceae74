import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Extractor } from '../../src/extract/index.js';
import {
  AGENT_KEYS,
  CACHE_READ_KEYS,
  CACHE_WRITE_KEYS,
  INPUT_KEYS,
  OPERATION_KEY,
  OUTPUT_KEYS,
  PROVIDER_KEYS,
  REASONING_KEYS,
  REQUEST_MODEL_KEYS,
  RESPONSE_MODEL_KEYS,
  SESSION_KEYS,
  TRACELOOP_REQUEST_TYPE_KEY,
  USER_KEYS,
} from '../../src/extract/keys.js';
import { AttributeScan, Field, MARKER_KEYS, Marker } from '../../src/extract/scan.js';
import type { LlmCall, SpanInput } from '../../src/types.js';
import { spanInput } from '../fixtures/spans.js';

const FIELDS: ReadonlyArray<readonly [Field, readonly string[], boolean]> = [
  [Field.provider, PROVIDER_KEYS, true],
  [Field.requestModel, REQUEST_MODEL_KEYS, true],
  [Field.responseModel, RESPONSE_MODEL_KEYS, true],
  [Field.operation, [OPERATION_KEY], true],
  [Field.requestType, [TRACELOOP_REQUEST_TYPE_KEY], true],
  [Field.input, INPUT_KEYS, false],
  [Field.output, OUTPUT_KEYS, false],
  [Field.cacheRead, CACHE_READ_KEYS, false],
  [Field.cacheWrite, CACHE_WRITE_KEYS, false],
  [Field.reasoning, REASONING_KEYS, false],
  [Field.session, SESSION_KEYS, true],
  [Field.user, USER_KEYS, true],
  [Field.agent, AGENT_KEYS, true],
];
const KNOWN_KEYS = [...new Set([...FIELDS.flatMap(([, keys]) => keys), ...MARKER_KEYS])];

/** The reference: each field's first key in precedence order whose value is present. */
function reference(a: Record<string, unknown>, keys: readonly string[], label: boolean): [string | undefined, unknown] {
  for (const key of keys) {
    const value = a[key];
    if (value === undefined || value === null || (label && value === '')) continue;
    return [key, value];
  }
  return [undefined, undefined];
}

const value = fc.oneof(
  fc.integer({ min: -5, max: 100_000 }),
  fc.constantFrom(null, undefined, '', '12', 'abc', 'LLM', 'invoke_agent', 'ai.generateText.doGenerate', Number.NaN),
  fc.string(),
  fc.array(fc.integer(), { maxLength: 2 }),
);
// Known keys and filler keys, in random insertion order, from a few to ~40 (both object modes).
const entries = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string(), fc.constantFrom('llm.input_messages.0.message.content', 'http.method')), value),
  { maxLength: 40 },
);

function build(pairs: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> {
  const a: Record<string, unknown> = {};
  for (const [key, v] of pairs) a[key] = v;
  return a;
}

describe('AttributeScan', () => {
  it('both strategies pick, per field, the first present key by precedence, and see the markers as look-ups do', () => {
    const scan = new AttributeScan();
    fc.assert(
      fc.property(entries, (pairs) => {
        const a = build(pairs);
        for (const strategy of ['keys', 'keyByKey'] as const) {
          if (strategy === 'keys') scan.scanKeys(a);
          else scan.scanKeyByKey(a);
          for (const [field, keys, label] of FIELDS) {
            const [key, v] = reference(a, keys, label);
            expect(scan.keys[field]).toBe(key);
            expect(Object.is(scan.values[field], v)).toBe(true);
          }
          for (const marker of Object.values(Marker)) {
            expect(Object.is(scan.marker(marker), a[MARKER_KEYS[marker]!])).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('scanKeys sees inherited attributes as look-ups do', () => {
    const base = { 'gen_ai.usage.input_tokens': 5 };
    const a = Object.create(base) as Record<string, unknown>;
    a['gen_ai.request.model'] = 'm';
    const scan = new AttributeScan();
    scan.scanKeys(a);
    expect(scan.keys[Field.input]).toBe('gen_ai.usage.input_tokens');
    expect(scan.values[Field.requestModel]).toBe('m');
  });
});

function span(attributes: Record<string, unknown>, scopeName: string): SpanInput {
  return spanInput(attributes, { resourceAttributes: { 'service.name': 'svc' }, scopeName });
}

describe('Extractor strategy choice', () => {
  it('gives the same call and the same invalid-value reports whichever strategy a scope was given', () => {
    // One scope learns small spans (one pass over the keys), the other big ones (key by key).
    const small = build([['gen_ai.request.model', 'm']]);
    const big = build(Array.from({ length: 30 }, (_, i) => [`filler.${i}`, i] as const));
    let run = 0;
    fc.assert(
      fc.property(entries, (pairs) => {
        run++;
        const outcomes: Array<[LlmCall | undefined, string[]]> = [];
        for (const [scope, teach] of [
          [`small-${run}`, small],
          [`big-${run}`, big],
        ] as const) {
          const reported: string[] = [];
          const extractor = new Extractor({ dimensions: ['http.method'], onInvalidValue: (key) => void reported.push(key) });
          extractor.extract(span(teach, scope));
          reported.length = 0;
          const call = extractor.extract(span(build(pairs), scope));
          outcomes.push([call, reported]);
        }
        expect(outcomes[1]).toEqual(outcomes[0]);
      }),
      { numRuns: 300 },
    );
  });

  it('a re-entrant extract() from onInvalidValue does not disturb the outer one', () => {
    const inner: Array<LlmCall | undefined> = [];
    const extractor: Extractor = new Extractor({
      onInvalidValue: () => {
        inner.push(extractor.extract(span(build([['gen_ai.request.model', 'inner'], ['gen_ai.usage.input_tokens', 1]]), 'x')));
      },
    });
    const call = extractor.extract(
      span(build([['gen_ai.usage.input_tokens', -1], ['gen_ai.request.model', 'outer'], ['gen_ai.usage.output_tokens', 7]]), 'x'),
    );
    expect(call?.requestModel).toBe('outer');
    expect(call?.inputTokens).toBeUndefined();
    expect(call?.outputTokens).toBe(7);
    expect(inner).toHaveLength(1);
    expect(inner[0]?.requestModel).toBe('inner');
    expect(inner[0]?.inputTokens).toBe(1);
  });
});
