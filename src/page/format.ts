// How the page writes numbers and times (plain functions; the browser tests format with them too).

// Formatters are made once: building an Intl formatter costs far more than formatting with it,
// and a first load formats a few thousand numbers and dates.
const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const USD_DIGITS = [2, 4, 6].map((d) => new Intl.NumberFormat('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
/** By IANA timezone (the page shows one or two: the store's and the budgets'). */
const DATE_TIME = new Map<string, Intl.DateTimeFormat>();

/** US dollars: cents from $1, four decimals under $1, six under a cent (LLM calls are cheap). */
export function usd(x: number): string {
  const a = Math.abs(x);
  const f = USD_DIGITS[a === 0 || a >= 1 ? 0 : a >= 0.01 ? 1 : 2]!;
  return `${x < 0 ? '-' : ''}$${f.format(a)}`;
}

export function int(x: number): string {
  return INT.format(x);
}

/** 0.1234 -> "12.3%". */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Epoch ms as "YYYY-MM-DD HH:MM:SS" in the given IANA timezone. */
export function dateTime(ms: number, timezone: string): string {
  let f = DATE_TIME.get(timezone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    });
    DATE_TIME.set(timezone, f);
  }
  const parts = f.formatToParts(new Date(ms));
  const p = (t: string): string => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')}`;
}

/** Epoch ms as "YYYY-MM-DD HH:MM" in the given timezone. */
export function dateMinute(ms: number, timezone: string): string {
  return dateTime(ms, timezone).slice(0, 16);
}
