import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { HeavyHitter } from '../../src/analytics/space-saving.js';
import { decodeSketch, encodeSketch, sketchFromJson } from '../../src/store/sketch-codec.js';

const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 12 });
const entry: fc.Arbitrary<HeavyHitter> = fc.record({
  id: fc.oneof(fc.string(), anyUnits),
  weight: fc.double(),
  error: fc.double(),
  calls: fc.nat(),
  firstMs: fc.integer({ min: 0, max: 2 ** 45 }),
  lastMs: fc.integer({ min: 0, max: 2 ** 45 }),
});

describe('sketch codec', () => {
  it('round-trips any entries exactly', () => {
    fc.assert(fc.property(fc.array(entry, { maxLength: 50 }), (entries) => {
      expect(decodeSketch(encodeSketch(entries))).toEqual(entries);
    }), { numRuns: 300 });
  });

  it("reads schema 1's JSON form", () => {
    expect(sketchFromJson('[["s1",0.5,0,2,10,20]]')).toEqual([{ id: 's1', weight: 0.5, error: 0, calls: 2, firstMs: 10, lastMs: 20 }]);
  });

  it('refuses a format it does not know', () => {
    const data = encodeSketch([]);
    data[0] = 9;
    expect(() => decodeSketch(data)).toThrow(/unknown sketch format 9/);
  });
});
