// How the page writes numbers and times (plain functions; the browser tests format with them too).

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** US dollars: cents from $1, four decimals under $1, six under a cent (LLM calls are cheap). */
export function usd(x: number): string {
  const a = Math.abs(x);
  const digits = a === 0 || a >= 1 ? 2 : a >= 0.01 ? 4 : 6;
  const s = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(a);
  return `${x < 0 ? '-' : ''}$${s}`;
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
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const p = (t: string): string => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')}`;
}

/** Epoch ms as "YYYY-MM-DD HH:MM" in the given timezone. */
export function dateMinute(ms: number, timezone: string): string {
  return dateTime(ms, timezone).slice(0, 16);
}
