// Human-readable summary of the analytics (summary() and the report CLI).
import type { AnalyticsApi, TopEntry } from './query-api.js';
import { rankingNote } from './top-ranking.js';

function usd(x: number): string {
  return `$${x.toFixed(x !== 0 && Math.abs(x) < 0.01 ? 6 : 2)}`;
}

export function summaryText(api: AnalyticsApi, nowMs: number, timezone: string, days = 7): string {
  const lines: string[] = [];
  const daily = api.daily({ days });
  const total = daily.reduce((s, d) => s + d.costUsd, 0);
  const calls = daily.reduce((s, d) => s + d.calls, 0);
  const unpriced = daily.reduce((s, d) => s + d.unpricedCalls, 0);
  lines.push(`LLM cost report at ${new Date(nowMs).toISOString()} (days in ${timezone})`);
  // Calls with no price have an unknown cost: never printed as $0.00.
  const cost = (x: number, n: number, unpricedN: number): string => (n > 0 && unpricedN === n ? 'unpriced' : usd(x));
  lines.push(`Last ${days} days: ${cost(total, calls, unpriced)} over ${calls} calls${unpriced > 0 ? ` (${unpriced} unpriced, not in the cost)` : ''}`);
  lines.push('');
  lines.push('Daily:');
  for (const d of daily) lines.push(`  ${d.date}  ${cost(d.costUsd, d.calls, d.unpricedCalls).padStart(12)}  ${String(d.calls).padStart(8)} calls${d.unpricedCalls > 0 && d.unpricedCalls < d.calls ? ` (${d.unpricedCalls} unpriced)` : ''}`);
  const models = api.byModel({ hours: 24 });
  lines.push('');
  lines.push('Last 24 hours by model:');
  if (models.length === 0) lines.push('  (no calls)');
  for (const m of models.slice(0, 10)) {
    const avg = m.avgDurationMs === null ? '-' : `${Math.round(m.avgDurationMs)} ms`;
    // A model with no priced call has no cost at all: say so rather than print $0.00.
    const modelCost = cost(m.costUsd, m.calls, m.unpricedCalls);
    const note = m.unpricedCalls > 0 && m.unpricedCalls < m.calls ? `  (${m.unpricedCalls} unpriced)` : '';
    lines.push(`  ${`${m.provider || '?'}/${m.model || '?'}`.padEnd(40)} ${modelCost.padStart(12)}  ${String(m.calls).padStart(8)} calls  avg ${avg}${note}`);
  }
  // A session or user whose calls all lack a price has an unknown cost, not $0.00.
  const topLine = (r: TopEntry): string => `  ${r.id.padEnd(40)} ${cost(r.costUsd, r.calls, r.unpricedCalls).padStart(12)}${r.exact ? '' : ` (+/- ${usd(r.errorUsd)})`}`
    + (r.unpricedCalls > 0 && r.unpricedCalls < r.calls ? `  (${r.unpricedCalls} unpriced)` : '');
  const sessions = api.topSessions({ n: 5 });
  if (sessions.length > 0) {
    lines.push('');
    lines.push('Top sessions:');
    for (const s of sessions) lines.push(topLine(s));
    const note = rankingNote(sessions);
    if (note !== undefined) lines.push(note);
  }
  const users = api.topUsers({ n: 5 });
  if (users.length > 0) {
    lines.push('');
    lines.push('Top users:');
    for (const u of users) lines.push(topLine(u));
    const note = rankingNote(users);
    if (note !== undefined) lines.push(note);
  }
  const budgets = api.budgets();
  if (budgets.length > 0) {
    lines.push('');
    lines.push('Budgets:');
    for (const b of budgets) {
      const pct = (b.usedFraction * 100).toFixed(1);
      lines.push(`  ${b.name} (${b.period}, ${b.timezone}): ${usd(b.spentUsd)} of ${usd(b.limitUsd)} (${pct}%), forecast ${usd(b.forecastUsd)} by ${new Date(b.periodEndMs).toISOString()} [${b.forecastMethod}]${b.exceeded ? '  EXCEEDED' : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}
