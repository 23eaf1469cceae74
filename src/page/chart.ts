// The daily spend chart (uPlot, bundled): one bar per day stacked by model, and, for the chosen
// budget, its limit and its forecast from today to the period end on a second scale. The chart
// is drawn anew only when the data changes; its text alternative is written next to it.
import uPlot from 'uplot';
import type { DailyBySeries, UsageBudget, UsageView } from './api.js';
import { el, setText } from './dom.js';
import { dateMinute, usd } from './format.js';

const DAY_S = 86_400;
/** Colour-blind-safe palette (Okabe-Ito), then greys for the rest. */
const COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', '#999999'];

function dayStart(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}

function isoDay(s: number): string {
  return new Date(s * 1000).toISOString().slice(0, 10);
}

/** The local date (YYYY-MM-DD) of an instant in `timezone`. */
function localDate(ms: number, timezone: string): string {
  return dateMinute(ms, timezone).slice(0, 10);
}

export class DailyChart {
  private plot: uPlot | undefined;
  private shape = '';
  private drawn = '';

  constructor(private readonly box: HTMLElement, private readonly legend: HTMLElement, private readonly alt: HTMLElement) {
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(box);
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(280, this.box.clientWidth), height: 300 };
  }

  update(view: UsageView, budget: UsageBudget | undefined): void {
    const key = JSON.stringify([view.dailyByModel, budget?.name, budget?.limitUsd, budget?.spentUsd, budget?.spentToDate, budget?.forecastUsd, budget?.periodEndMs]);
    if (key === this.drawn) return;
    this.drawn = key;
    const d = view.dailyByModel;
    const xs = d.dates.map(dayStart);
    // With a budget, the axis runs on to the day its period ends.
    let endIdx = -1;
    if (budget !== undefined && budget.periodEndMs > view.generatedAtMs) {
      const last = dayStart(localDate(budget.periodEndMs - 1, budget.timezone));
      for (let x = xs[xs.length - 1]! + DAY_S; x <= last && xs.length < d.dates.length + 62; x += DAY_S) xs.push(x);
      endIdx = xs.length - 1;
    }
    const n = xs.length;
    const pad = (v: number[]): (number | null)[] => [...v, ...new Array<null>(n - v.length).fill(null)];
    // Stacking: series i is drawn as the sum of series 0..i, the tallest first.
    const stacked: (number | null)[][] = [];
    const running = new Array<number>(d.dates.length).fill(0);
    for (const s of d.series) {
      for (let i = 0; i < running.length; i++) running[i]! += s.costUsd[i]!;
      stacked.push(pad([...running]));
    }
    const series: uPlot.Series[] = [{}];
    const data: uPlot.AlignedData = [xs] as unknown as uPlot.AlignedData;
    const bars = uPlot.paths.bars!({ size: [0.7, 48] });
    for (let i = d.series.length - 1; i >= 0; i--) {
      const color = COLORS[Math.min(i, COLORS.length - 1)]!;
      series.push({ label: d.series[i]!.key, scale: 'usd', fill: color, stroke: color, width: 0, paths: bars, points: { show: false } });
      (data as unknown as (number | null)[][]).push(stacked[i]!);
    }
    // A daily budget compares with one day's bar: same scale. Longer periods get their own.
    const budgetScale = budget?.period === 'day' ? 'usd' : 'budget';
    if (budget !== undefined) {
      const today = d.dates.length - 1;
      // Spend to date at the end of each day of the period (cumulative), then the forecast from
      // today's spend to the period end: the usual reading against the limit line.
      const cumulative = new Map<string, number>();
      budget.spentToDate?.dates.forEach((date, i) => cumulative.set(date, budget.spentToDate!.cumulativeUsd[i]!));
      const spent = xs.map((x, i) => (i <= today ? cumulative.get(isoDay(x)) ?? null : null));
      spent[today] = budget.spentUsd;
      const forecast = new Array<number | null>(n).fill(null);
      forecast[today] = budget.spentUsd;
      if (endIdx > today) forecast[endIdx] = budget.forecastUsd;
      const limit = new Array<number>(n).fill(budget.limitUsd);
      series.push({ label: `${budget.name} limit`, scale: budgetScale, stroke: '#B00020', width: 2, dash: [6, 4], points: { show: false } });
      series.push({ label: `${budget.name} spent`, scale: budgetScale, stroke: '#6A1B9A', width: 2, points: { show: true, size: 5 } });
      series.push({ label: `${budget.name} forecast`, scale: budgetScale, stroke: '#6A1B9A', width: 2, dash: [2, 3], spanGaps: true, points: { show: true, size: 7 } });
      (data as unknown as (number | null)[][]).push(limit, spent, forecast);
      // The budget lines' numbers, as drawn (for tests and anyone inspecting the chart).
      this.box.dataset.budget = JSON.stringify({ name: budget.name, dates: xs.map(isoDay), limitUsd: limit, spentUsd: spent, forecastUsd: forecast });
    } else {
      delete this.box.dataset.budget;
    }
    const shape = JSON.stringify([series.map((s) => s.label), budgetScale]);
    if (this.plot !== undefined && shape === this.shape) {
      this.plot.setData(data);
    } else {
      this.plot?.destroy();
      this.shape = shape;
      this.plot = new uPlot({
        ...this.size(),
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, usd: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] }, budget: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] } },
        axes: [
          { values: (_u, vals) => vals.map((v) => isoDay(v).slice(5)) },
          { scale: 'usd', values: (_u, vals) => vals.map((v) => usd(v)), size: 70, label: 'USD per day' },
          ...(budget === undefined || budgetScale === 'usd' ? [] : [{ scale: 'budget', side: 1 as const, grid: { show: false }, values: (_u: uPlot, vals: number[]) => vals.map((v) => usd(v)), size: 70, label: 'USD this budget period' }]),
        ],
        series,
      }, data, this.box);
    }
    this.writeLegend(view, budget);
    this.writeAlt(view, budget);
  }

  private writeLegend(view: UsageView, budget: UsageBudget | undefined): void {
    const items: HTMLElement[] = view.dailyByModel.series.map((s, i) => {
      const li = el('li');
      const sw = el('span', undefined, `swatch c${Math.min(i, COLORS.length - 1)}`);
      li.append(sw, document.createTextNode(s.calls > 0 && s.unpricedCalls === s.calls ? `${s.key} (unpriced)` : s.key));
      return li;
    });
    if (budget !== undefined) {
      items.push(el('li', `— — ${budget.name}: limit ${usd(budget.limitUsd)}`, 'limit'));
      items.push(el('li', `—•— spent this ${budget.period} ${usd(budget.spentUsd)}`, 'forecast'));
      items.push(el('li', `··• forecast ${usd(budget.forecastUsd)} by period end`, 'forecast'));
    }
    this.legend.replaceChildren(...items);
  }

  private writeAlt(view: UsageView, budget: UsageBudget | undefined): void {
    const d = view.dailyByModel;
    const totals = d.dates.map((_, i) => d.series.reduce((s, x) => s + x.costUsd[i]!, 0));
    const sum = totals.reduce((a, b) => a + b, 0);
    const calls = d.series.reduce((s, x) => s + x.calls, 0);
    const unpriced = d.series.reduce((s, x) => s + x.unpricedCalls, 0);
    let peak = 0;
    totals.forEach((v, i) => { if (v > totals[peak]!) peak = i; });
    // Calls with no price add nothing to the bars: their cost is unknown, never shown as $0.
    const spend = calls > 0 && unpriced === calls ? 'no priced calls (their cost is unknown)' : `${usd(sum)} in all`;
    const parts = [`Daily spend over the last ${d.dates.length} days (days in ${d.timezone}): ${spend}.`];
    if (unpriced > 0) parts.push(`${unpriced} ${unpriced === 1 ? 'call has' : 'calls have'} no price and ${unpriced === 1 ? 'is' : 'are'} not in the spend.`);
    if (sum > 0) {
      const today = view.daily.length === d.dates.length ? view.daily[view.daily.length - 1] : undefined;
      const todayText = today !== undefined && today.calls > 0 && today.unpricedCalls === today.calls ? 'unpriced' : usd(totals[totals.length - 1]!);
      parts.push(`Highest on ${d.dates[peak]}: ${usd(totals[peak]!)}. Today so far: ${todayText}.`);
    }
    if (calls > 0) parts.push(`By model: ${d.series.map((s) => `${s.key} ${seriesCost(s)}`).join(', ')}.`);
    if (budget !== undefined) {
      const since = budget.spentToDate === null ? '' : ` since ${budget.spentToDate.dates[0]}`;
      parts.push(`Budget ${budget.name} (${budget.period}, ${budget.timezone}): ${usd(budget.spentUsd)} spent${since} of a ${usd(budget.limitUsd)} limit, forecast ${usd(budget.forecastUsd)} at the period end (${dateMinute(budget.periodEndMs, budget.timezone)}).`);
    }
    setText(this.alt, parts.join(' '));
  }
}

/** A series' cost over the days shown: 'unpriced' when none of its calls has a price. */
function seriesCost(s: DailyBySeries): string {
  const total = usd(s.costUsd.reduce((a, b) => a + b, 0));
  if (s.calls > 0 && s.unpricedCalls === s.calls) return 'unpriced';
  return s.unpricedCalls > 0 ? `${total} (and ${s.unpricedCalls} unpriced calls)` : total;
}
