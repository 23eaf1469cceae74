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
