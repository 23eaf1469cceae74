// Local calendar days in an IANA timezone. A day is identified by its "day number": the
// number of days from 1970-01-01 to the local date (timezone-independent, easy arithmetic).

const MS_PER_DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** true when Intl knows the IANA name. */
export function isValidTimezone(timezone: string): boolean {
  try {
    formatter(timezone);
    return true;
  } catch {
    return false;
  }
}

/** Local wall-clock time of an instant, expressed as if it were UTC (ms). */
function wallClockMs(ms: number, timezone: string): number {
  const parts = formatter(timezone).formatToParts(ms);
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  for (const p of parts) {
    switch (p.type) {
      case 'year': y = Number(p.value); break;
      case 'month': mo = Number(p.value); break;
      case 'day': d = Number(p.value); break;
      case 'hour': h = Number(p.value); break;
      case 'minute': mi = Number(p.value); break;
      case 'second': s = Number(p.value); break;
      default: break;
    }
  }
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** Offset of the timezone at an instant: local wall clock minus UTC, in ms (whole seconds). */
export function offsetMs(ms: number, timezone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallClockMs(whole, timezone) - whole;
}

/** Day number of the local date containing `ms`. */
export function localDayNumber(ms: number, timezone: string): number {
  return Math.floor((ms + offsetMs(ms, timezone)) / MS_PER_DAY);
}

/**
 * First instant of a local day. Handles DST: days may be 23 or 25 hours long, and where
 * midnight itself is skipped the day starts at the first existing instant.
 */
export function startOfLocalDay(dayNumber: number, timezone: string): number {
  const wall = dayNumber * MS_PER_DAY;
  // Offsets on either side of the day start; try each candidate and keep the earliest that is on the day.
  const candidates = [wall - offsetMs(wall - MS_PER_DAY / 2, timezone), wall - offsetMs(wall + MS_PER_DAY / 2, timezone)];
  let best = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (localDayNumber(c, timezone) === dayNumber && c < best) best = c;
  }
  if (best !== Number.POSITIVE_INFINITY) {
    // Step back while the previous minute is still the same day (never more than the DST shift).
    while (localDayNumber(best - 60_000, timezone) === dayNumber) best -= 60_000;
    return best;
  }
  // Midnight skipped by a DST jump: the day begins where the jump lands.
  let t = Math.min(...candidates);
  while (localDayNumber(t, timezone) < dayNumber) t += 60_000;
  return t;
}

/** 'YYYY-MM-DD' of a day number. */
export function dayNumberToDate(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Weekday of a day number, 0 = Sunday .. 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/** Day number of the first day of the local month containing `dayNumber`. */
export function monthStartDay(dayNumber: number): number {
  const d = new Date(dayNumber * MS_PER_DAY);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / MS_PER_DAY;
}

/** Day number of the first day of the next local month. */
export function nextMonthStartDay(dayNumber: number): number {
  const d = new Date(dayNumber * MS_PER_DAY);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / MS_PER_DAY;
}

/** A local day: its number and [start, end) instants. */
export interface LocalDay {
  day: number;
  start: number;
  end: number;
}

const QUARTER_HOUR_MS = 900_000;
/** Quarter-hours remembered (about 42 days' worth); the memory starts over when it is full. */
const MAX_QUARTERS = 4096;

/**
 * Maps instants to local days in one timezone. The last day seen answers calls arriving in
 * order with two comparisons; other instants are looked up by their UTC quarter-hour, since the
 * collector receives batches out of order (several apps, retries) and a day found through Intl
 * costs 30-100 µs here (0.7 µs from this memory: 200k instants over two days, shuffled). A
 * quarter-hour is remembered only when it lies wholly inside one local day (every offset and
 * DST change of today's zones falls on a quarter-hour, so it nearly always does).
 */
export class DayCalendar {
  readonly timezone: string;
  private last: LocalDay = { day: Number.NaN, start: 0, end: 0 };
  private readonly byQuarter = new Map<number, LocalDay>();

  constructor(timezone: string) {
    this.timezone = timezone;
  }

  dayOf(ms: number): LocalDay {
    const last = this.last;
    if (ms >= last.start && ms < last.end) return last;
    const quarter = Math.floor(ms / QUARTER_HOUR_MS);
    let found = this.byQuarter.get(quarter);
    if (found === undefined) {
      const day = localDayNumber(ms, this.timezone);
      found = { day, start: startOfLocalDay(day, this.timezone), end: startOfLocalDay(day + 1, this.timezone) };
      if (found.start <= quarter * QUARTER_HOUR_MS && (quarter + 1) * QUARTER_HOUR_MS <= found.end) {
        if (this.byQuarter.size >= MAX_QUARTERS) this.byQuarter.clear();
        this.byQuarter.set(quarter, found);
      }
    }
    this.last = found;
    return found;
  }

  dayNumber(ms: number): number {
    return this.dayOf(ms).day;
  }

  startOf(day: number): number {
    return startOfLocalDay(day, this.timezone);
  }
}
