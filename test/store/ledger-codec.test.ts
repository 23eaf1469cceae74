import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { PricedCall } from '../../src/types.js';
import type { PendingCall } from '../../src/store/ledger-call.js';
import { decodeLedgerBlock, encodeLedgerBlock } from '../../src/store/ledger-codec.js';
import { LedgerBlockReader } from '../../src/store/ledger-block-reader.js';
import { LedgerBlockWriter } from '../../src/store/ledger-block-writer.js';
import { pricedCall } from '../analytics/factory.js';
import { v1Expected } from './fixtures/v1-store.js';

/** Any UTF-16 code unit, lone surrogates included. */
const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 12 });
/** Strings that repeat within a block (the string table stores them once). */
const text = fc.oneof(fc.constantFrom('', 'openai', 'gpt-4o', 'ü', '日本', '\u0000'), fc.string({ unit: 'binary', maxLength: 12 }), anyUnits);
/** What a field may hold, garbage included (the store coerces it). */
const loose = fc.oneof(text, text, fc.constant(undefined), fc.constant(null), fc.integer(), fc.boolean());
const num = fc.oneof(fc.double(), fc.integer({ min: -1e6, max: 1e9 }), fc.constantFrom(0, -0, 1e15, 2 ** 53, NaN, Infinity, -Infinity), fc.constant(undefined), fc.constant('12'));
const parts = fc.record({ input: num, cacheRead: num, cacheWrite: num, output: num, reasoning: num });

const pending: fc.Arbitrary<PendingCall> = fc.record({
  ts: fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.double()),
  durationMs: num,
  traceId: loose, spanId: loose, sessionId: loose, userId: loose, provider: loose, requestModel: loose, responseModel: loose,
  operation: loose, serviceName: loose, agentName: loose, error: loose,
  priced: fc.boolean(),
  costUsd: num,
  costs: fc.option(parts, { nil: undefined }),
  tokens: fc.option(parts, { nil: undefined }),
  dimensions: fc.oneof(fc.constant({}), fc.constant(undefined), fc.dictionary(text, text, { maxKeys: 3 })),
}).map(({ ts, durationMs, ...fields }) => ({ ts, durationMs: durationMs as number, call: { ...pricedCall(), ...fields } as unknown as PricedCall }));

describe('ledger block codec', () => {
  it('round-trips any calls exactly, with the coercions of schema 1', () => {
    fc.assert(fc.property(fc.array(pending, { maxLength: 60 }), (calls) => {
      expect(decodeLedgerBlock(encodeLedgerBlock(calls))).toEqual(calls.map(v1Expected));
    }), { numRuns: 400 });
  });

  it('a reused writer keeps blocks apart, grows past its capacity and rewrites rows exactly', () => {
    fc.assert(fc.property(fc.array(fc.array(pending, { maxLength: 40 }), { minLength: 1, maxLength: 4 }), (chunks) => {
      const writer = new LedgerBlockWriter(4);
      for (const calls of chunks) {
        for (const c of calls) writer.addPending(c);
        const block = writer.finish();
        expect(block.calls).toBe(calls.length);
        const reader = new LedgerBlockReader(block.data);
        for (let i = 0; i < reader.count; i++) writer.addRow(reader.row(i));
        expect(decodeLedgerBlock(writer.finish().data)).toEqual(calls.map(v1Expected));
      }
    }), { numRuns: 200 });
  });

  it('round-trips a field that stops being de-duplicated once its first values were all distinct', () => {
    const calls = Array.from({ length: 300 }, (_, i) => ({
      ts: 1000 + i,
      durationMs: 1,
      call: pricedCall({ traceId: `t${i < 100 ? i : i % 7}`, sessionId: i % 3 === 0 ? undefined : `s${i < 150 ? i : 1}`, userId: `u${i % 2}` }),
    }));
    expect(decodeLedgerBlock(encodeLedgerBlock(calls))).toEqual(calls.map(v1Expected));
  });

  it('starts with the format version and refuses one it does not know', () => {
    const data = encodeLedgerBlock([{ ts: 1, durationMs: 5, call: pricedCall() }]);
    expect(data[0]).toBe(1);
    data[0] = 2;
    expect(() => decodeLedgerBlock(data)).toThrow(/unknown ledger block format 2/);
  });

  it('keeps nulls apart from empty strings, and dimensions apart from none', () => {
    const calls = [
      pricedCall({ sessionId: '', userId: undefined, agentName: '', dimensions: { team: '' } }),
      pricedCall({ sessionId: undefined, userId: '', error: 'timeout', dimensions: {} }),
    ].map((call, i) => ({ ts: 1000 + i, durationMs: 1, call }));
    const [a, b] = decodeLedgerBlock(encodeLedgerBlock(calls));
    expect([a?.sessionId, a?.userId, a?.agent, a?.dimensions]).toEqual(['', null, '', { team: '' }]);
    expect([b?.sessionId, b?.userId, b?.error, b?.dimensions]).toEqual([null, '', 'timeout', {}]);
  });

  it('stores a typical call in well under 100 bytes', () => {
    const calls = Array.from({ length: 4096 }, (_, i) => ({
      ts: 1_768_478_400_000 + i * 7,
      durationMs: 800 + (i % 50),
      call: pricedCall({ sessionId: `session-${i % 300}`, userId: `user-${i % 40}`, costUsd: 0.0001 * (1 + (i % 50)), traceId: 'a'.repeat(31) + (i % 10), spanId: (i * 7919).toString(16).padStart(16, '0') }),
    }));
    expect(encodeLedgerBlock(calls).length / calls.length).toBeLessThan(100);
  });
});
