import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Extractor } from '../../src/extract/index.js';
import { AGENT_KEYS, CACHE_READ_KEYS, REASONING_KEYS, REQUEST_MODEL_KEYS, RESPONSE_MODEL_KEYS, SESSION_KEYS, USER_KEYS } from '../../src/extract/keys.js';
import type { LlmCall } from '../../src/types.js';
import { spanInput } from '../fixtures/spans.js';

// DESIGN.md: within one span each field is read from ONE key, the first present in precedence
// order (null/undefined absent, '' absent for labels); garbage there makes the field unknown
// and is reported, with no fall-back to the next key.
const LABEL_FIELDS: ReadonlyArray<readonly [keyof LlmCall, readonly string[]]> = [
  ['requestModel', REQUEST_MODEL_KEYS],
  ['responseModel', RESPONSE_MODEL_KEYS],
  ['sessionId', SESSION_KEYS],
  ['userId', USER_KEYS],
  ['agentName', AGENT_KEYS],
];
const COUNT_FIELDS: ReadonlyArray<readonly [keyof LlmCall, readonly string[]]> = [
  ['cacheReadTokens', CACHE_READ_KEYS],
  ['reasoningTokens', REASONING_KEYS],
];

const labelValue = fc.constantFrom<unknown>(undefined, null, '', 'a', 'b', 7, ['x'], 'x'.repeat(300));
const countValue = fc.constantFrom<unknown>(undefined, null, '', 3, '12', -1, 1.5, 'abc');

/** The reference: the first key whose value is present, and what it reads as. */
function expected(a: Record<string, unknown>, keys: readonly string[], label: boolean): { key?: string; value: unknown } {
  for (const key of keys) {
    const raw = a[key];
    if (raw === undefined || raw === null || (label && raw === '')) continue;
    if (label) {
      const ok = (typeof raw === 'string' && raw.length <= 256) || typeof raw === 'number';
      return ok ? { key, value: String(raw) } : { key, value: 'INVALID' };
    }
    const n = typeof raw === 'string' && /^[0-9]+$/.test(raw) ? Number(raw) : raw;
    return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? { key, value: n } : { key, value: 'INVALID' };
  }
  return { value: undefined };
}

describe('field precedence', () => {
  it('reads each field from the first present key only, garbage there making it unknown and reported', () => {
    const fields = [...LABEL_FIELDS.map(([f, keys]) => [f, keys, true] as const), ...COUNT_FIELDS.map(([f, keys]) => [f, keys, false] as const)];
    const attributes = fc.record(
      Object.fromEntries(fields.flatMap(([, keys, label]) => keys.map((k) => [k, label ? labelValue : countValue]))),
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(attributes, (generated) => {
        // Usage and a chat operation make every span a call, whatever the fields under test say.
        const a: Record<string, unknown> = { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 100000, 'gen_ai.usage.output_tokens': 100000, ...generated };
        const reported: string[] = [];
        const call = new Extractor({ onInvalidValue: (key) => void reported.push(key) }).extract(spanInput(a));
        expect(call).toBeDefined();
        const expectedReports: string[] = [];
        for (const [field, keys, label] of fields) {
          const { key, value } = expected(a, keys, label);
          if (value === 'INVALID') {
            expect(call![field]).toBeUndefined();
            expectedReports.push(key!);
          } else expect(call![field]).toBe(value);
        }
        expect([...reported].sort()).toEqual(expectedReports.sort());
      }),
      { numRuns: 400 },
    );
  });

  it('sees inherited attributes as present', () => {
    const a = Object.create({ 'gen_ai.usage.input_tokens': 5 }) as Record<string, unknown>;
    a['gen_ai.request.model'] = 'm';
    const call = new Extractor().extract(spanInput(a));
    expect(call?.inputTokens).toBe(5);
    expect(call?.requestModel).toBe('m');
  });
});
