// The text of `otel-llm-cost report`: the usage page's figures (analytics.usage()) for the last
// N days, with the daily spend drawn as a bar chart in the terminal.
import type { AnalyticsApi, DailyRow } from '../analytics/query-api.js';
import { rankingNote } from '../analytics/top-ranking.js';

export interface ReportOptions {
  days: number;
  /** IANA timezone of the daily chart. */
  timezone: string;
  nowMs: number;
  /** Characters of the longest bar. Default: 40. */
  barWidth?: number;
}

function usd(x: number): string {
  return `$${x.toFixed(x !== 0 && Math.abs(x) < 0.01 ? 6 : 2)}`;
}

/** A cost over `calls` calls: 'unpriced' when none of them has a price (unknown, not $0). */
function cost(x: number, calls: number, unpricedCalls: number): string {
  return calls > 0 && unpricedCalls === calls ? 'unpriced' : usd(x);
}

function int(x: number): string {
  return x.toLocaleString('en-US');
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `value / max` of `width` characters, in eighths of a character. */
export function bar(value: number, max: number, width: number): string {
  if (!(max > 0) || !(value > 0)) return '';
  const eighths = Math.max(1, Math.round((value / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

function dailyChart(rows: readonly DailyRow[], width: number): string[] {
  const max = Math.max(0, ...rows.map((r) => r.costUsd));
  return rows.map((r) => {
    const unpriced = r.unpricedCalls > 0 ? `  (${int(r.unpricedCalls)} unpriced)` : '';
    return `  ${r.date}  ${bar(r.costUsd, max, width).padEnd(width)}  ${cost(r.costUsd, r.calls, r.unpricedCalls).padStart(11)}  ${int(r.calls).padStart(8)} calls${unpriced}`;
  });
}

export function reportText(api: AnalyticsApi, o: ReportOptions): string {
  const width = o.barWidth ?? 40;
  const v = api.usage({ hours: o.days * 24, days: o.days, top: 10 });
  const daily = o.timezone === v.timezone ? v.daily : api.daily({ days: o.days, timezone: o.timezone });
  const t = v.totals;
  const lines: string[] = [];
  lines.push(`LLM cost report at ${new Date(o.nowMs).toISOString()} (days in ${o.timezone})`);
  lines.push(`Last ${o.days} days: ${cost(t.costUsd, t.calls, t.unpricedCalls)} over ${t.calls} calls${t.unpricedCalls > 0 ? ` (${t.unpricedCalls} unpriced, not in the cost)` : ''}`);
  lines.push(`  tokens ${int(t.totalTokens)} (input ${int(t.inputTokens)}, cache read ${int(t.cacheReadTokens)}, cache write ${int(t.cacheWriteTokens)}, output ${int(t.outputTokens)}, reasoning ${int(t.reasoningTokens)}); cache savings ${usd(t.cacheSavingsUsd)}`);
  if (v.unpricedModels.length > 0) {
    lines.push('', 'Unpriced models (their cost is unknown, not $0; add them with the prices option):');
    for (const m of v.unpricedModels) lines.push(`  ${`${m.provider || '?'}/${m.model || '?'}`.padEnd(40)} ${int(m.calls).padStart(8)} calls`);
  }
  lines.push('', `Daily spend (${o.timezone}):`, ...dailyChart(daily, width));
  lines.push('', `By model, last ${o.days} days:`);
  if (v.byModel.length === 0) lines.push('  (no calls)');
  for (const m of v.byModel) {
    const all = m.unpricedCalls === m.calls;
    const share = all || t.costUsd === 0 ? '-' : `${((m.costUsd / t.costUsd) * 100).toFixed(1)}%`;
    const avg = m.avgCostPerCallUsd === null ? '-' : usd(m.avgCostPerCallUsd);
    const note = m.unpricedCalls > 0 && !all ? `  (${m.unpricedCalls} unpriced)` : '';
    lines.push(`  ${`${m.provider || '?'}/${m.model || '?'}`.padEnd(40)} ${cost(m.costUsd, m.calls, m.unpricedCalls).padStart(11)} ${share.padStart(6)}  ${int(m.calls).padStart(8)} calls  avg ${avg}${note}`);
  }
  if (v.omitted.byModel > 0) lines.push(`  (${v.omitted.byModel} more models, in the totals)`);
  for (const [title, rows] of [['By service', v.byService], ['By agent', v.byAgent]] as const) {
    if (rows.length === 0 || (rows.length === 1 && rows[0]!.key === '')) continue;
    lines.push('', `${title}:`);
    for (const r of rows) lines.push(`  ${(r.key || '(none)').padEnd(40)} ${cost(r.costUsd, r.calls, r.unpricedCalls).padStart(11)}  ${int(r.calls).padStart(8)} calls`);
  }
  for (const [title, rows] of [['Top sessions', v.topSessions.slice(0, 5)], ['Top users', v.topUsers.slice(0, 5)]] as const) {
    if (rows.length === 0) continue;
    lines.push('', `${title}:`);
    for (const s of rows) {
      const note = s.unpricedCalls > 0 && s.unpricedCalls < s.calls ? `  (${int(s.unpricedCalls)} unpriced)` : '';
      lines.push(`  ${s.id.padEnd(40)} ${cost(s.costUsd, s.calls, s.unpricedCalls).padStart(11)}${s.exact ? '' : ` (+/- ${usd(s.errorUsd)})`}  ${int(s.calls).padStart(8)} calls${note}`);
    }
    const note = rankingNote(rows);
    if (note !== undefined) lines.push(note);
  }
  if (v.budgets.length > 0) {
    lines.push('', 'Budgets:');
    for (const b of v.budgets) {
      const state = b.state === 'exceeded' ? 'EXCEEDED' : b.state === 'warning' ? 'WARNING' : 'ok';
      const runOut = b.state === 'exceeded' ? '' : b.runOutMs === null ? ', does not run out this period' : `, runs out ${new Date(b.runOutMs).toISOString()}`;
      lines.push(`  ${b.name} (${b.period}, ${b.timezone}): ${usd(b.spentUsd)} of ${usd(b.limitUsd)} (${(b.usedFraction * 100).toFixed(1)}%), forecast ${usd(b.forecastUsd)} by ${new Date(b.periodEndMs).toISOString()} [${b.forecastMethod}]  ${state}${runOut}`);
    }
  }
  return lines.join('\n') + '\n';
}
