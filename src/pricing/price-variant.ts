import type { ModelInfo, ModelPrice } from '@pydantic/genai-prices';

/** Picks the ModelPrice in force at a given time, as genai-prices does for conditional prices. */
export type VariantSelector = (timeMs: number) => ModelPrice | undefined;

interface Rule {
  prices: ModelPrice;
  /** 'any' = no constraint; 'from' = start_date; 'daily' = time-of-day window in UTC seconds. */
  kind: 'any' | 'from' | 'daily';
  fromMs: number;
  startSec: number;
  endSec: number;
}

/**
 * Seconds after UTC midnight for an `HH:MM:SS[.fff](Z|+HH:MM)` time, computed with the same
 * float operations genai-prices uses so that window edges agree to the bit.
 */
function parseTimeOfDay(text: string): number | undefined {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!m) return undefined;
  const [, hh = '', mm = '', ss = '', frac = '', zone, sign, oh = '00', om = '00'] = m;
  const h = Number(hh);
  const min = Number(mm);
  const s = Number(ss);
  if (h > 23 || min > 59 || s > 59 || oh > '23' || om > '59') return undefined;
  const offset = (Number(oh) * 60 + Number(om)) * 60;
  const local = h * 3600 + min * 60 + s + Number(`0.${frac}`);
  const shift = zone === 'Z' ? 0 : sign === '+' ? offset : -offset;
  return (local - shift + 86400) % 86400;
}

function secondsOfDay(timeMs: number): number {
  const dayMs = ((timeMs % 86_400_000) + 86_400_000) % 86_400_000;
  const ms = dayMs % 1000;
  const totalSec = (dayMs - ms) / 1000;
  const s = totalSec % 60;
  const min = ((totalSec - s) / 60) % 60;
  const h = (totalSec - s - min * 60) / 3600;
  return h * 3600 + min * 60 + s + ms / 1000;
}

/** Builds a selector for a model, or undefined when a constraint cannot be read. */
export function variantSelector(model: ModelInfo): VariantSelector | undefined {
  const prices = model.prices;
  if (!Array.isArray(prices)) {
    const only = prices;
    return () => only;
  }
  const rules: Rule[] = [];
  for (const entry of prices) {
    const c = entry.constraint;
    if (c === undefined) {
      rules.push({ prices: entry.prices, kind: 'any', fromMs: 0, startSec: 0, endSec: 0 });
    } else if (c.type === 'start_date') {
      const fromMs = new Date(c.start_date).getTime();
      if (Number.isNaN(fromMs)) return undefined;
      rules.push({ prices: entry.prices, kind: 'from', fromMs, startSec: 0, endSec: 0 });
    } else if (c.type === 'time_of_date') {
      const startSec = parseTimeOfDay(c.start_time);
      const endSec = parseTimeOfDay(c.end_time);
      if (startSec === undefined || endSec === undefined) return undefined;
      rules.push({ prices: entry.prices, kind: 'daily', fromMs: 0, startSec, endSec });
    } else {
      return undefined;
    }
  }
  const first = rules[0]?.prices;
  return (rawTimeMs) => {
    // Date truncates to whole milliseconds and rejects times beyond +-8.64e15 ms.
    if (!Number.isFinite(rawTimeMs) || Math.abs(rawTimeMs) > 8.64e15) return undefined;
    const timeMs = Math.trunc(rawTimeMs);
    let sod = -1;
    // Last matching rule wins, as in genai-prices; the first entry is the default.
    for (let i = rules.length - 1; i >= 0; i--) {
      const r = rules[i] as Rule;
      if (r.kind === 'any') return r.prices;
      if (r.kind === 'from') {
        if (timeMs >= r.fromMs) return r.prices;
      } else {
        if (sod < 0) sod = secondsOfDay(timeMs);
        const inside = r.endSec < r.startSec ? sod >= r.startSec || sod < r.endSec : sod >= r.startSec && sod < r.endSec;
        if (inside) return r.prices;
      }
    }
    return first;
  };
}
