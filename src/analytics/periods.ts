// Budget periods: calendar (day | week | month in a timezone) or rolling (<N>d | <N>h).
import { monthStartDay, nextMonthStartDay, weekdayOf } from './timezone.js';
import type { DayCalendar } from './timezone.js';

const MS_PER_HOUR = 3_600_000;
const MAX_ROLLING_MS = 366 * 24 * MS_PER_HOUR;

export type ParsedPeriod =
  | { kind: 'calendar'; unit: 'day' | 'week' | 'month' }
  | { kind: 'rolling'; ms: number };

/** Parses a period string; undefined when unsupported. */
export function parsePeriod(period: string): ParsedPeriod | undefined {
  if (period === 'day' || period === 'week' || period === 'month') return { kind: 'calendar', unit: period };
  const m = /^(\d+(?:\.\d+)?)(d|h)$/.exec(period);
  if (m === null) return undefined;
  const ms = Number(m[1]) * (m[2] === 'd' ? 24 : 1) * MS_PER_HOUR;
  if (!(ms >= 60_000) || ms > MAX_ROLLING_MS) return undefined;
  return { kind: 'rolling', ms };
}

/** The period containing an instant: [start, end) plus the local days it covers [firstDay, endDay). */
export interface PeriodWindow {
  start: number;
  end: number;
  firstDay: number;
  endDay: number;
  /** Stable key of the period (for once-per-period events): e.g. 'month:20424' or 'rolling'. */
  key: string;
}

/** Current calendar period in the calendar's timezone. Weeks start on Monday (ISO 8601). */
export function calendarWindow(unit: 'day' | 'week' | 'month', calendar: DayCalendar, nowMs: number): PeriodWindow {
  const today = calendar.dayNumber(nowMs);
  let firstDay: number;
  let endDay: number;
  if (unit === 'day') {
    firstDay = today;
    endDay = today + 1;
  } else if (unit === 'week') {
    firstDay = today - ((weekdayOf(today) + 6) % 7);
    endDay = firstDay + 7;
  } else {
    firstDay = monthStartDay(today);
    endDay = nextMonthStartDay(today);
  }
  return { start: calendar.startOf(firstDay), end: calendar.startOf(endDay), firstDay, endDay, key: `${unit}:${firstDay}` };
}

/** Rolling window ending now. */
export function rollingWindow(ms: number, calendar: DayCalendar, nowMs: number): PeriodWindow {
  const start = nowMs - ms;
  return { start, end: nowMs, firstDay: calendar.dayNumber(start), endDay: calendar.dayNumber(nowMs) + 1, key: 'rolling' };
}
