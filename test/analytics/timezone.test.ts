import { describe, expect, it } from 'vitest';
import { DayCalendar, dayNumberToDate, localDayNumber, startOfLocalDay } from '../../src/analytics/timezone.js';
import { calendarWindow, parsePeriod } from '../../src/analytics/periods.js';

const NY = 'America/New_York';
const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

describe('local days across DST', () => {
  it('2026-03-08 in New York is 23 hours and starts at local midnight (05:00Z)', () => {
    const start = startOfLocalDay(day('2026-03-08'), NY);
    const end = startOfLocalDay(day('2026-03-09'), NY);
    expect(new Date(start).toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(new Date(end).toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect((end - start) / 3_600_000).toBe(23);
  });

  it('2026-11-01 in New York is 25 hours', () => {
    const start = startOfLocalDay(day('2026-11-01'), NY);
    const end = startOfLocalDay(day('2026-11-02'), NY);
    expect(new Date(start).toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect((end - start) / 3_600_000).toBe(25);
  });

  it('maps instants to local dates at the midnight boundary', () => {
    expect(dayNumberToDate(localDayNumber(Date.parse('2026-03-09T03:59:59Z'), NY))).toBe('2026-03-08');
    expect(dayNumberToDate(localDayNumber(Date.parse('2026-03-09T04:00:00Z'), NY))).toBe('2026-03-09');
    expect(dayNumberToDate(localDayNumber(Date.parse('2026-11-02T04:59:59Z'), NY))).toBe('2026-11-01');
    expect(dayNumberToDate(localDayNumber(Date.parse('2026-11-02T05:00:00Z'), NY))).toBe('2026-11-02');
  });

  it('handles a timezone whose midnight is skipped (America/Santiago, 2026-09-06)', () => {
    const tz = 'America/Santiago';
    const start = startOfLocalDay(day('2026-09-06'), tz);
    expect(dayNumberToDate(localDayNumber(start, tz))).toBe('2026-09-06');
    expect(dayNumberToDate(localDayNumber(start - 1, tz))).toBe('2026-09-05');
  });

  it('supports half-hour offsets (Asia/Kolkata)', () => {
    expect(new Date(startOfLocalDay(day('2026-01-15'), 'Asia/Kolkata')).toISOString()).toBe('2026-01-14T18:30:00.000Z');
  });
});

describe('DayCalendar out of order', () => {
  // Instants in a shuffled order (as a collector receives batches from several apps), over two
  // years in zones with DST, 45-minute offsets and a 30-minute DST shift: the remembered days
  // must be exactly what the uncached functions give.
  it.each(['America/New_York', 'Asia/Kathmandu', 'Pacific/Chatham', 'Australia/Lord_Howe', 'America/Santiago'])('%s', (tz) => {
    const cal = new DayCalendar(tz);
    let seed = 12345;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const from = Date.UTC(2025, 0, 1);
    // Each instant with a neighbour up to half a day away; then all of them again in reverse,
    // now answered from memory.
    const instants: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const ms = Math.floor(from + next() * 2 * 365 * 86_400_000);
      instants.push(ms, ms + Math.floor((next() - 0.5) * 86_400_000));
    }
    for (const ms of [...instants, ...instants.reverse()]) {
      const day = localDayNumber(ms, tz);
      expect(cal.dayOf(ms)).toEqual({ day, start: startOfLocalDay(day, tz), end: startOfLocalDay(day + 1, tz) });
    }
  });
});

describe('calendar periods', () => {
  const cal = new DayCalendar(NY);
  it('month of March 2026 in New York spans 31 days minus the DST hour', () => {
    const w = calendarWindow('month', cal, Date.parse('2026-03-15T12:00:00Z'));
    expect(new Date(w.start).toISOString()).toBe('2026-03-01T05:00:00.000Z');
    expect(new Date(w.end).toISOString()).toBe('2026-04-01T04:00:00.000Z');
    expect((w.end - w.start) / 3_600_000).toBe(31 * 24 - 1);
    expect(w.endDay - w.firstDay).toBe(31);
  });

  it('ISO weeks start on Monday', () => {
    const w = calendarWindow('week', cal, Date.parse('2026-03-08T12:00:00Z')); // a Sunday
    expect(dayNumberToDate(w.firstDay)).toBe('2026-03-02');
    expect(dayNumberToDate(w.endDay)).toBe('2026-03-09');
  });

  it('parses rolling periods and rejects others', () => {
    expect(parsePeriod('7d')).toEqual({ kind: 'rolling', ms: 7 * 86_400_000 });
    expect(parsePeriod('24h')).toEqual({ kind: 'rolling', ms: 86_400_000 });
    expect(parsePeriod('year')).toBeUndefined();
    expect(parsePeriod('0h')).toBeUndefined();
    expect(parsePeriod('400d')).toBeUndefined();
  });
});
