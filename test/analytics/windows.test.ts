import { describe, expect, it } from 'vitest';
import { DayCalendar } from '../../src/analytics/timezone.js';
import { HOUR_MS, MINUTE_MS, OVERFLOW_SERIES, TimeWindows } from '../../src/analytics/windows.js';
import type { Resolution } from '../../src/analytics/windows.js';
import { pricedCall } from './factory.js';

const T0 = Date.UTC(2026, 0, 15, 23, 59, 30);

function add(w: TimeWindows, at: number, over: Parameters<typeof pricedCall>[0] = {}): void {
  const call = pricedCall({ at, ...over });
  w.add(at, call, 1000);
}

function calls(w: TimeWindows, res: Resolution, from = 0, to = Number.MAX_SAFE_INTEGER): number[] {
  return [...w.range(res, from, to)].map((b) => b.calls);
}

describe('TimeWindows', () => {
  it('puts calls of one series in the minute, hour and local day of each call', () => {
    const w = new TimeWindows(new DayCalendar('UTC'));
    add(w, T0);
    add(w, T0 + 10_000);
    add(w, T0 + 40_000); // next minute, next hour, next day
    expect(calls(w, 'm')).toEqual([2, 1]);
    expect(calls(w, 'h')).toEqual([2, 1]);
    expect(calls(w, 'd')).toEqual([2, 1]);
  });

  it('uses the local day of the zone for the day bucket (UTC+05:45 starts days at 18:15 UTC)', () => {
    const w = new TimeWindows(new DayCalendar('Asia/Kathmandu'));
    const edge = Date.UTC(2026, 0, 15, 18, 15);
    add(w, edge - MINUTE_MS);
    add(w, edge - 1);
    add(w, edge);
    expect(calls(w, 'm')).toEqual([2, 1]);
    expect(calls(w, 'h')).toEqual([3]);
    expect(calls(w, 'd')).toEqual([2, 1]);
  });

  it('reports a bucket as dirty again when a call lands in it after takeDirty()', () => {
    const w = new TimeWindows(new DayCalendar('UTC'));
    add(w, T0);
    expect(w.takeDirty().map((b) => b.res).sort()).toEqual(['d', 'h', 'm']);
    expect(w.takeDirty()).toEqual([]);
    add(w, T0 + 1000);
    const again = w.takeDirty();
    expect(again.map((b) => `${b.res}:${b.calls}`).sort()).toEqual(['d:2', 'h:2', 'm:2']);
  });

  it('after prune(), a call in a dropped minute goes to a new bucket that range() returns', () => {
    const w = new TimeWindows(new DayCalendar('UTC'));
    add(w, T0);
    w.prune(T0 + 100 * HOUR_MS);
    expect(calls(w, 'm')).toEqual([]);
    add(w, T0 + 1000);
    expect(calls(w, 'm')).toEqual([1]);
    expect(calls(w, 'd')).toEqual([2]);
  });

  it('folds series past the bound into the overflow series, for every later call too', () => {
    const w = new TimeWindows(new DayCalendar('UTC'), 2);
    for (const model of ['a', 'b', 'c', 'd', 'c']) add(w, T0, { requestModel: model });
    const day = [...w.range('d', 0, Number.MAX_SAFE_INTEGER)].map((b) => [b.series.split('\u001f')[1], b.calls]);
    expect(day).toContainEqual(['a', 1]);
    expect(day).toContainEqual(['b', 1]);
    expect(day.find(([m]) => m === OVERFLOW_SERIES.split('\u001f')[1])).toEqual(['_overflow', 3]);
    expect(day).toHaveLength(3);
  });

  it('tells series apart by every label, with more series than it checks by label first', () => {
    const w = new TimeWindows(new DayCalendar('UTC'));
    const labels = ['provider', 'requestModel', 'responseModel', 'serviceName', 'agentName'] as const;
    // 20 series that each differ from a first one in one label, taken round-robin, three times.
    const series: Parameters<typeof pricedCall>[0][] = [];
    for (let k = 0; k < 20; k++) series.push({ [labels[k % 5]!]: `v${k}` });
    for (let round = 0; round < 3; round++) for (const over of series) add(w, T0, over);
    const day = [...w.range('d', 0, Number.MAX_SAFE_INTEGER)];
    expect(day).toHaveLength(20);
    expect(day.every((b) => b.calls === 3)).toBe(true);
  });

  it('keeps a series whose label holds the key separator apart from the series its key reads as', () => {
    const w = new TimeWindows(new DayCalendar('UTC'));
    // Same key for both (the labels are joined with U+001F): one series, as before.
    add(w, T0, { provider: 'a\u001fb', requestModel: 'c' });
    add(w, T0, { provider: 'a', requestModel: 'b\u001fc' });
    // A call whose labels are what the first key splits into is another series.
    const [first] = [...w.range('d', 0, Number.MAX_SAFE_INTEGER)];
    const parts = first!.series.split('\u001f');
    add(w, T0, { provider: parts[0], requestModel: parts[1], responseModel: parts[2], serviceName: parts[3], agentName: parts[4] });
    expect([...w.range('d', 0, Number.MAX_SAFE_INTEGER)].map((b) => b.calls).sort()).toEqual([1, 2]);
  });
});
