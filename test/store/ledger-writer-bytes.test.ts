// The writer against a verbatim copy of itself from before it wrote a block's strings as bytes
// while the block is built (fixtures/reference-block-writer.ts): every block byte for byte, its
// summary and its session inputs must be the same, for any calls, rows and strings.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { PricedCall } from '../../src/types.js';
import type { LedgerRow } from '../../src/store/ledger-call.js';
import { LedgerBlockWriter, sessionInputString } from '../../src/store/ledger-block-writer.js';
import { ReferenceBlockWriter } from './fixtures/reference-block-writer.js';
import { pricedCall } from '../analytics/factory.js';

/** Any UTF-16 code unit, lone surrogates included. */
const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 12 });
/** Chars 0..0xff only (a block of them is stored as latin1). */
const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 12 });
const text = fc.oneof(fc.constantFrom('', 'openai', 'gpt-4o', 'ü', 'ÿ', '日本', '\u0000', '\ud800', '\udc00x', '\u0100'), latin1, latin1, fc.string({ unit: 'binary', maxLength: 12 }), anyUnits);

/** A deterministic generator (the calls of a block are too many to draw one by one). */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

type Kind = 'id' | 'pool' | 'mixed' | 'absent';

interface Plan {
  seed: number;
  pool: string[];
  /** How each string field is filled in this block. */
  kinds: Kind[];
  /** Chance that a value is odd (null, a number, a wide or huge string, the pool). */
  odd: number;
  size: number;
  /** Rows instead of calls. */
  rows: boolean;
  /** Dropped (discard()) instead of finished. */
  discard: boolean;
}

const STRING_FIELDS = ['traceId', 'spanId', 'sessionId', 'userId', 'provider', 'requestModel', 'responseModel', 'operation', 'serviceName', 'agentName', 'error'] as const;

const plan: fc.Arbitrary<Plan> = fc.record({
  seed: fc.integer(),
  pool: fc.array(text, { minLength: 1, maxLength: 12 }),
  kinds: fc.array(fc.constantFrom<Kind>('id', 'pool', 'mixed', 'absent'), { minLength: STRING_FIELDS.length, maxLength: STRING_FIELDS.length }),
  odd: fc.constantFrom(0, 0, 0.001, 0.02, 0.3),
  size: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 3000 }), fc.constantFrom(63, 64, 65, 1024)),
  rows: fc.boolean(),
  discard: fc.constantFrom(false, false, false, true),
});

function blockCalls(p: Plan): { strings: (string | null)[][]; nums: number[][] } {
  const rand = prng(p.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const hex = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)];
    return s;
  };
  const odd = (): string | null => {
    const r = rand();
    if (r < 0.2) return null;
    if (r < 0.3) return '';
    if (r < 0.45) return `${hex(5)}\u20ac${hex(3)}`;
    if (r < 0.55) return String.fromCharCode(0xd800 + Math.floor(rand() * 0x800));
    if (r < 0.65) return '\u00e9'.repeat(1 + Math.floor(rand() * 9000));
    if (r < 0.7) return hex(4).repeat(2000 + Math.floor(rand() * 4000)) + (rand() < 0.5 ? '\u4e2d' : '');
    return pick(p.pool);
  };
  const strings: (string | null)[][] = [];
  const nums: number[][] = [];
  for (let i = 0; i < p.size; i++) {
    strings.push(STRING_FIELDS.map((_, f) => {
      if (rand() < p.odd) return odd();
      switch (p.kinds[f]) {
        case 'id': return f === 2 ? `conv-${Math.floor(rand() * 5000)}` : hex(f === 1 ? 16 : 32);
        case 'pool': return pick(p.pool);
        case 'mixed': return rand() < 0.5 ? pick(p.pool) : `v${Math.floor(rand() * 50)}`;
        default: return null;
      }
    }));
    nums.push(Array.from({ length: 14 }, () => {
      const r = rand();
      return r < 0.1 ? NaN : r < 0.2 ? 0 : r < 0.6 ? Math.floor(rand() * 5000) : rand() * 10;
    }));
  }
  return { strings, nums };
}

function toCall(s: (string | null)[], x: number[]): PricedCall {
  const v = (j: number): string | undefined => s[j] ?? undefined;
  return pricedCall({
    traceId: v(0), spanId: v(1), sessionId: v(2), userId: v(3), provider: v(4), requestModel: v(5), responseModel: v(6),
    operation: v(7), serviceName: v(8), agentName: v(9), error: v(10),
    priced: x[0]! > 0.5, costUsd: x[1],
    costs: { input: x[2]!, cacheRead: x[3]!, cacheWrite: 0, output: x[4]!, reasoning: 0 },
    tokens: { input: x[5]!, cacheRead: x[6]!, cacheWrite: 0, output: x[7]!, reasoning: x[8]! },
    dimensions: x[9]! > 3000 ? { team: s[3] ?? 'x', k: s[5] ?? '' } : {},
  });
}

function toRow(s: (string | null)[], x: number[], i: number): LedgerRow {
  const n = (j: number): number | null => (Number.isNaN(x[j]) ? null : x[j]!);
  return {
    tsMs: 1_768_478_400_000 + i * 3 - (x[0]! > 4000 ? 100_000 : 0),
    traceId: s[0] ?? '', spanId: s[1] ?? '', sessionId: s[2] ?? null, userId: s[3] ?? null, provider: s[4] ?? null,
    requestModel: s[5] ?? null, responseModel: s[6] ?? null, operation: s[7] ?? null, service: s[8] ?? 'unknown_service',
    agent: s[9] ?? null, error: s[10] ?? null, priced: x[0]! > 0.5, costUsd: n(1), inputCost: n(2), cacheReadCost: n(3),
    cacheWriteCost: null, outputCost: n(4), reasoningCost: null, inputTokens: x[5]! || 0, cacheReadTokens: x[6]! || 0,
    cacheWriteTokens: 0, outputTokens: x[7]! || 0, reasoningTokens: x[8]! || 0, durationMs: x[9]! || 0,
    dimensions: x[10]! > 4000 ? JSON.stringify({ team: s[3] ?? '' }) : null,
  };
}

/** sessionInputs() with its strings listed, as the reference writer gives them. */
function sessionInputsOf(writer: LedgerBlockWriter): { columns: unknown; strings: string[] } {
  const inputs = writer.sessionInputs();
  const strings = Array.from({ length: inputs.ends.length - 1 }, (_, j) => sessionInputString(inputs, j + 1));
  return { columns: inputs.columns, strings };
}

/** Runs the same blocks through both writers, comparing everything finish() and sessionInputs() return. */
function compare(plans: readonly Plan[], capacity: number): void {
  const writer = new LedgerBlockWriter(capacity);
  const reference = new ReferenceBlockWriter(capacity);
  for (const p of plans) {
    const { strings, nums } = blockCalls(p);
    for (let i = 0; i < p.size; i++) {
      const s = strings[i]!;
      const x = nums[i]!;
      if (p.rows) {
        const row = toRow(s, x, i);
        writer.addRow(row);
        reference.addRow(row);
      } else {
        const ts = 1_768_478_400_000 + i * 7 - (x[11]! > 4500 ? 50_000 : 0);
        const call = toCall(s, x);
        writer.addCall(ts, x[12]!, call);
        reference.addCall(ts, x[12]!, call);
      }
    }
    expect(writer.count).toBe(reference.count);
    if (p.discard) {
      writer.discard();
      reference.discard();
      continue;
    }
    const a = writer.finish();
    const b = reference.finish();
    expect(a.data.length).toBe(b.data.length);
    expect(Buffer.compare(a.data, b.data)).toBe(0);
    expect({ ...a, data: null }).toEqual({ ...b, data: null });
    expect(sessionInputsOf(writer)).toEqual(reference.sessionInputs());
  }
}

describe('the ledger block writer keeps its bytes', () => {
  it('writes every block as the reference writer does, for random blocks of calls and rows', () => {
    fc.assert(fc.property(fc.array(plan, { minLength: 1, maxLength: 4 }), fc.constantFrom(1, 4, 1024), (plans, capacity) => {
      compare(plans, capacity);
    }), { numRuns: 60 });
  });

  it('writes small blocks of arbitrary calls (garbage included) as the reference writer does', () => {
    const loose = fc.oneof(text, text, fc.constant(undefined), fc.constant(null), fc.integer(), fc.boolean());
    const num = fc.oneof(fc.double(), fc.integer({ min: -1e6, max: 1e9 }), fc.constantFrom(0, -0, 2 ** 53, NaN, Infinity), fc.constant(undefined));
    const parts = fc.record({ input: num, cacheRead: num, cacheWrite: num, output: num, reasoning: num });
    const call = fc.record({
      ts: fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.double()),
      durationMs: num,
      traceId: loose, spanId: loose, sessionId: loose, userId: loose, provider: loose, requestModel: loose, responseModel: loose,
      operation: loose, serviceName: loose, agentName: loose, error: loose,
      priced: fc.boolean(), costUsd: num,
      costs: fc.option(parts, { nil: undefined }), tokens: fc.option(parts, { nil: undefined }),
      dimensions: fc.oneof(fc.constant({}), fc.constant(undefined), fc.dictionary(text, text, { maxKeys: 3 })),
    });
    fc.assert(fc.property(fc.array(fc.array(call, { maxLength: 300 }), { minLength: 1, maxLength: 4 }), (blocks) => {
      const writer = new LedgerBlockWriter(8);
      const reference = new ReferenceBlockWriter(8);
      for (const calls of blocks) {
        for (const { ts, durationMs, ...fields } of calls) {
          const c = { ...pricedCall(), ...fields } as unknown as PricedCall;
          writer.addCall(ts, durationMs as number, c);
          reference.addCall(ts, durationMs as number, c);
        }
        const a = writer.finish();
        const b = reference.finish();
        expect(Buffer.compare(a.data, b.data)).toBe(0);
        expect({ ...a, data: null }).toEqual({ ...b, data: null });
        expect(sessionInputsOf(writer)).toEqual(reference.sessionInputs());
      }
    }), { numRuns: 150 });
  });

  it('a call that throws while read leaves the same strings behind in both', () => {
    const writer = new LedgerBlockWriter(4);
    const reference = new ReferenceBlockWriter(4);
    const bad = { ...pricedCall({ traceId: 'a'.repeat(40), sessionId: 'só' }), agentName: { toString: () => { throw new Error('boom'); } } } as unknown as PricedCall;
    for (let i = 0; i < 300; i++) {
      const call = pricedCall({ traceId: `t${i}`, sessionId: `s${i % 90}` });
      for (const w of [writer, reference]) {
        w.addCall(i, 1, call);
        if (i % 7 === 0) expect(() => w.addCall(i, 1, bad)).toThrow('boom');
      }
    }
    expect(Buffer.compare(writer.finish().data, reference.finish().data)).toBe(0);
    expect(sessionInputsOf(writer)).toEqual(reference.sessionInputs());
  });

  it('a wide char after many latin1 batches, and in a string longer than a batch', () => {
    for (const wide of ['\u0101', '\ud83d\ude00', '\udfff', '\u0100'.repeat(20_000), 'x'.repeat(9000) + '\u4e2d']) {
      for (const at of [0, 1, 127, 128, 129, 2500]) {
        const writer = new LedgerBlockWriter(16);
        const reference = new ReferenceBlockWriter(16);
        for (let i = 0; i < 3000; i++) {
          const call = pricedCall({
            traceId: i === at ? wide : `${i.toString(16).padStart(32, 'f')}`,
            spanId: i % 500 === 3 ? 'é'.repeat(10_000) : i.toString(16).padStart(16, '0'),
            sessionId: i % 5 === 0 ? undefined : `conv-${(i * 31) % 5000}`,
            userId: i % 9 === 0 ? '' : `user-ÿ${i % 300}`,
          });
          writer.addCall(i, 1, call);
          reference.addCall(i, 1, call);
        }
        expect(Buffer.compare(writer.finish().data, reference.finish().data)).toBe(0);
        expect(sessionInputsOf(writer)).toEqual(reference.sessionInputs());
      }
    }
  });

  it('an empty block', () => {
    const writer = new LedgerBlockWriter();
    const reference = new ReferenceBlockWriter();
    expect(Buffer.compare(writer.finish().data, reference.finish().data)).toBe(0);
    expect(sessionInputsOf(writer)).toEqual(reference.sessionInputs());
  });
});
