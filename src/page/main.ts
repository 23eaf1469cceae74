// The usage page: reads /api/usage every few seconds and draws the headline, the budgets, the
// daily chart and the tables from it. Everything from spans goes in as text.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { AuthRequired, clearToken, FIRST_USAGE, getJson, hasToken, readJson, setToken } from './api.js';
import type { BudgetOutlook, DailyRow, DimensionRow, EarlyUsage, ModelRow, TopEntry, UsageView } from './api.js';
import { DailyChart } from './chart.js';
import { toCsv } from './csv.js';
import { byId, el, setText } from './dom.js';
import { dateMinute, int, percent, usd } from './format.js';
import { SessionCalls } from './session.js';
import { DataTable } from './table.js';

const REFRESH_MS = 5000;

const state = { hours: FIRST_USAGE.hours as number, days: FIRST_USAGE.days as number, budget: '', view: undefined as UsageView | undefined };
let timer: number | undefined;

function money(x: number | null, unpricedCalls = 0, calls = 0): string {
  if (calls > 0 && unpricedCalls === calls) return 'unpriced';
  return x === null ? '–' : usd(x);
}

/** A row's cost for the CSV: empty when none of its calls has a price (unknown, not 0). */
function knownCost(r: { costUsd: number; calls: number; unpricedCalls: number }): number | null {
  return r.calls > 0 && r.unpricedCalls === r.calls ? null : r.costUsd;
}

function plural(n: number, what: string): string {
  return `${int(n)} ${what}${n === 1 ? '' : 's'}`;
}

function setFigure(id: string, text: string, value: number): void {
  const e = byId(id);
  setText(e, text);
  e.dataset.value = String(value);
  e.title = String(value);
}

// ---- tables ----
const tokenCols = <R extends { inputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; outputTokens: number; reasoningTokens: number }>() => [
  { label: 'Input', value: (r: R) => r.inputTokens, render: (r: R) => int(r.inputTokens), numeric: true },
  { label: 'Cache read', value: (r: R) => r.cacheReadTokens, render: (r: R) => int(r.cacheReadTokens), numeric: true },
  { label: 'Cache write', value: (r: R) => r.cacheWriteTokens, render: (r: R) => int(r.cacheWriteTokens), numeric: true },
  { label: 'Output', value: (r: R) => r.outputTokens, render: (r: R) => int(r.outputTokens), numeric: true },
  { label: 'Reasoning', value: (r: R) => r.reasoningTokens, render: (r: R) => int(r.reasoningTokens), numeric: true },
];

/** Share of the range's spend; '–' when nothing in the row is priced (its cost is unknown). */
function shareOf(r: { costUsd: number; pricedCalls: number }): string {
  const total = state.view?.totals.costUsd ?? 0;
  return total > 0 && r.pricedCalls > 0 ? percent(r.costUsd / total) : '–';
}

const modelsTable = new DataTable<ModelRow>(byId<HTMLTableElement>('models-table'), [
  { label: 'Model', value: (r) => r.model || '(none)' },
  { label: 'Provider', value: (r) => r.provider || '(none)' },
  { label: 'Cost', value: (r) => r.costUsd, render: (r) => money(r.costUsd, r.unpricedCalls, r.calls), title: (r) => String(r.costUsd), numeric: true },
  { label: 'Share', value: (r) => r.costUsd, render: (r) => shareOf(r), numeric: true },
  { label: 'Calls', value: (r) => r.calls, render: (r) => int(r.calls) + (r.unpricedCalls > 0 ? ` (${int(r.unpricedCalls)} unpriced)` : ''), numeric: true },
  ...tokenCols<ModelRow>(),
  { label: 'Avg cost / call', value: (r) => r.avgCostPerCallUsd, render: (r) => money(r.avgCostPerCallUsd, r.unpricedCalls, r.calls), numeric: true },
], { caption: 'Cost and tokens by model in the selected range', sortable: true, sortBy: 2, empty: 'No calls in this range.' });

function dimTable(id: string, what: string): DataTable<DimensionRow> {
  return new DataTable<DimensionRow>(byId<HTMLTableElement>(id), [
    { label: what, value: (r) => r.key || '(none)' },
    { label: 'Cost', value: (r) => r.costUsd, render: (r) => money(r.costUsd, r.unpricedCalls, r.calls), title: (r) => String(r.costUsd), numeric: true },
    { label: 'Share', value: (r) => r.costUsd, render: (r) => shareOf(r), numeric: true },
    { label: 'Calls', value: (r) => r.calls, render: (r) => int(r.calls), numeric: true },
    { label: 'Tokens', value: (r) => r.totalTokens, render: (r) => int(r.totalTokens), numeric: true },
  ], { caption: `Cost by ${what.toLowerCase()} in the selected range`, sortable: true, sortBy: 1, empty: 'No calls in this range.' });
}
const servicesTable = dimTable('services-table', 'Service');
const agentsTable = dimTable('agents-table', 'Agent');

const dailyTable = new DataTable<DailyRow>(byId<HTMLTableElement>('daily-table'), [
  { label: 'Date', value: (r) => r.date },
  { label: 'Cost', value: (r) => r.costUsd, render: (r) => money(r.costUsd, r.unpricedCalls, r.calls), title: (r) => String(r.costUsd), numeric: true },
  { label: 'Calls', value: (r) => r.calls, render: (r) => int(r.calls), numeric: true },
  { label: 'Unpriced calls', value: (r) => r.unpricedCalls, render: (r) => int(r.unpricedCalls), numeric: true },
  { label: 'Tokens', value: (r) => r.totalTokens, render: (r) => int(r.totalTokens), numeric: true },
  { label: 'Cache savings', value: (r) => r.cacheSavingsUsd, render: (r) => usd(r.cacheSavingsUsd), numeric: true },
], { caption: 'Spend per day', sortable: true, empty: 'No days.' });

const sessions = new SessionCalls(() => state.view?.timezone ?? 'UTC', showError);

function topTable(id: string, what: string, clickable: boolean): DataTable<TopEntry> {
  return new DataTable<TopEntry>(byId<HTMLTableElement>(id), [
    {
      label: what,
      value: (r) => r.id,
      render: (r) => {
        if (!clickable) return r.id;
        const b = el('button', r.id, 'link');
        b.type = 'button';
        b.setAttribute('aria-label', `Show the calls of session ${r.id}`);
        b.addEventListener('click', () => void sessions.open(r.id));
        return b;
      },
    },
    { label: 'Cost', value: (r) => r.costUsd, render: (r) => money(r.costUsd, r.unpricedCalls, r.calls) + (r.exact ? '' : ` ± ${usd(r.errorUsd)}`), numeric: true },
    { label: 'Calls', value: (r) => r.calls, render: (r) => int(r.calls) + (r.unpricedCalls > 0 ? ` (${int(r.unpricedCalls)} unpriced)` : ''), numeric: true },
    { label: 'Last call', value: (r) => r.lastMs, render: (r) => dateMinute(r.lastMs, state.view?.timezone ?? 'UTC') },
  ], { caption: `Costliest ${what.toLowerCase()}s`, empty: `No ${what.toLowerCase()} ids seen yet.` });
}
const sessionsTable = topTable('sessions-table', 'Session', true);
const usersTable = topTable('users-table', 'User', false);

const budgetsTable = new DataTable<BudgetOutlook>(byId<HTMLTableElement>('budgets-table'), [
  { label: 'Budget', value: (r) => r.name },
  {
    label: 'Status',
    value: (r) => r.state,
    render: (r) => el('span', r.state === 'exceeded' ? 'Exceeded' : r.state === 'warning' ? 'Warning' : 'OK', `badge ${r.state}`),
  },
  { label: 'Spent', value: (r) => r.spentUsd, render: (r) => `${usd(r.spentUsd)} (${percent(r.usedFraction)})`, numeric: true },
  { label: 'Limit', value: (r) => r.limitUsd, render: (r) => usd(r.limitUsd), numeric: true },
  { label: 'Forecast', value: (r) => r.forecastUsd, render: (r) => usd(r.forecastUsd), title: (r) => `method: ${r.forecastMethod}`, numeric: true },
  { label: 'Period', value: (r) => r.period, render: (r) => `${r.period} (${r.timezone})` },
  { label: 'Period ends', value: (r) => r.periodEndMs, render: (r) => dateMinute(r.periodEndMs, r.timezone) },
  {
    label: 'Runs out',
    value: (r) => r.runOutMs,
    render: (r) => (r.state === 'exceeded' ? 'already' : r.runOutMs === null ? 'not this period' : dateMinute(r.runOutMs, r.timezone)),
  },
], { caption: 'Budgets: spend this period, forecast and when each runs out at the current rate', empty: 'No budgets configured.' });

// ---- rendering ----
function renderHeadline(v: UsageView): void {
  const t = v.totals;
  setFigure('h-cost', money(t.costUsd, t.unpricedCalls, t.calls), t.costUsd);
  setText(byId('h-cost-note'), `${int(t.pricedCalls)} priced calls · ${t.avgCostPerCallUsd === null ? '–' : usd(t.avgCostPerCallUsd)} per call`);
  setFigure('h-calls', int(t.calls), t.calls);
  setText(byId('h-calls-note'), t.errors > 0 ? `${int(t.errors)} with errors` : 'no errors');
  setFigure('h-tokens', int(t.totalTokens), t.totalTokens);
  setText(byId('h-tokens-note'), `${int(t.inputTokens)} input · ${int(t.cacheReadTokens)} cache read · ${int(t.cacheWriteTokens)} cache write · ${int(t.outputTokens)} output · ${int(t.reasoningTokens)} reasoning`);
  setFigure('h-savings', usd(t.cacheSavingsUsd), t.cacheSavingsUsd);
  setFigure('h-unpriced', int(t.unpricedCalls), t.unpricedCalls);
  byId('h-unpriced-card').classList.toggle('warn', t.unpricedCalls > 0);
  setText(byId('h-unpriced-note'), t.unpricedCalls > 0 ? plural(v.unpricedModels.length + v.omitted.unpricedModels, 'model') + ' without a price' : 'every call priced');
  const box = byId('unpriced-models');
  box.hidden = v.unpricedModels.length === 0;
  const key = JSON.stringify(v.unpricedModels);
  const list = byId('unpriced-list');
  if (list.dataset.key !== key) {
    list.dataset.key = key;
    list.replaceChildren(...v.unpricedModels.map((m) => {
      const li = el('li');
      li.append(el('code', m.model || '(no model)'), document.createTextNode(` (${m.provider || 'unknown provider'}): ${int(m.calls)} calls`));
      return li;
    }));
  }
}

function renderBudgets(v: UsageView): void {
  byId('budgets').hidden = v.budgets.length === 0;
  budgetsTable.update(v.budgets);
  const pick = byId<HTMLSelectElement>('budget-pick');
  const names = v.budgets.map((b) => b.name);
  const have = [...pick.options].slice(1).map((o) => o.value);
  if (JSON.stringify(have) !== JSON.stringify(names)) {
    pick.replaceChildren(el('option', 'none'), ...names.map((n) => el('option', n)));
    (pick.options[0] as HTMLOptionElement).value = '';
    for (const o of [...pick.options].slice(1)) o.value = o.textContent ?? '';
    if (state.budget === '' && names.length > 0) state.budget = names[0]!;
    pick.value = names.includes(state.budget) ? state.budget : '';
  }
}

function render(v: UsageView): void {
  state.view = v;
  byId('empty').hidden = !(v.totals.calls === 0 && v.daily.every((d) => d.calls === 0));
  setText(byId('timezone'), `Days in ${v.timezone}`);
  renderHeadline(v);
  renderBudgets(v);
  chart.update(v, v.budgets.find((b) => b.name === state.budget));
  dailyTable.update(v.daily);
  modelsTable.update(v.byModel);
  setText(byId('models-omitted'), v.omitted.byModel > 0 ? `${v.omitted.byModel} cheaper models not listed (the totals include them).` : '');
  servicesTable.update(v.byService);
  agentsTable.update(v.byAgent);
  sessionsTable.update(v.topSessions);
  usersTable.update(v.topUsers);
  setText(byId('sessions-ranking'), rankingNote(v.topSessions, 'session'));
  setText(byId('users-ranking'), rankingNote(v.topUsers, 'user'));
}

/** Said under a top list the sketch cannot rank (the API's rankingExact: false); empty otherwise. */
function rankingNote(rows: readonly TopEntry[], what: string): string {
  const first = rows[0];
  if (first === undefined || first.rankingExact) return '';
  return `Not a ranking: too many ${what}s of similar cost for the top-K sketch to tell apart. A ${what} not listed may have cost up to ${usd(first.unlistedMaxUsd)}.`;
}

const chart = new DailyChart(byId('chart'), byId('chart-legend'), byId('chart-alt'));

function showError(err: unknown): void {
  if (err instanceof AuthRequired) {
    byId('auth').hidden = false;
    if (hasToken()) setText(byId('auth-error'), 'That token was refused.');
    clearToken();
    return;
  }
  const e = byId('error');
  e.hidden = false;
  setText(e, `Could not load the figures: ${err instanceof Error ? err.message : String(err)}. Retrying every ${REFRESH_MS / 1000} s.`);
}

/** The figures of the range shown: boot.js's early request the first time, if it asked for this range. */
async function usage(): Promise<UsageView> {
  const early = (window as EarlyUsage).otelLlmCostFirstUsage;
  (window as EarlyUsage).otelLlmCostFirstUsage = undefined;
  if (early !== undefined && state.hours === FIRST_USAGE.hours && state.days === FIRST_USAGE.days) {
    return readJson<UsageView>('api/usage', await early);
  }
  return getJson<UsageView>('api/usage', { hours: state.hours, days: state.days });
}

async function refresh(): Promise<void> {
  window.clearTimeout(timer);
  const asked = `${state.hours}|${state.days}`;
  try {
    const v = await usage();
    if (asked !== `${state.hours}|${state.days}`) return;
    byId('error').hidden = true;
    byId('auth').hidden = true;
    render(v);
    // The first load's time to figures, from the navigation's start (bench/usage-page.bench.ts reads it).
    if (document.body.dataset.loaded === undefined) performance.mark('figures-shown');
    document.body.dataset.loaded = `${state.hours}|${state.days}`;
    setText(byId('updated'), `Updated ${dateMinute(v.generatedAtMs, v.timezone).slice(11)}:${String(new Date(v.generatedAtMs).getUTCSeconds()).padStart(2, '0')} · every ${REFRESH_MS / 1000} s`);
  } catch (err) {
    showError(err);
    if (err instanceof AuthRequired) return;
  }
  timer = window.setTimeout(() => void refresh(), REFRESH_MS);
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = el('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- controls ----
for (const input of document.querySelectorAll<HTMLInputElement>('input[name="range"]')) {
  input.addEventListener('change', () => {
    state.hours = Number(input.value);
    void refresh();
  });
}
byId<HTMLSelectElement>('days').addEventListener('change', (e) => {
  state.days = Number((e.target as HTMLSelectElement).value);
  void refresh();
});
byId<HTMLSelectElement>('budget-pick').addEventListener('change', (e) => {
  state.budget = (e.target as HTMLSelectElement).value;
  if (state.view !== undefined) chart.update(state.view, state.view.budgets.find((b) => b.name === state.budget));
});
byId('daily-csv').addEventListener('click', () => {
  const rows = state.view?.daily ?? [];
  download(`llm-cost-daily-${state.days}d.csv`, toCsv(
    ['date', 'cost_usd', 'calls', 'priced_calls', 'unpriced_calls', 'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'cache_savings_usd'],
    rows.map((r) => [r.date, knownCost(r), r.calls, r.pricedCalls, r.unpricedCalls, r.inputTokens, r.cacheReadTokens, r.cacheWriteTokens, r.outputTokens, r.reasoningTokens, r.cacheSavingsUsd]),
  ));
});
byId('models-csv').addEventListener('click', () => {
  download(`llm-cost-by-model-${state.hours}h.csv`, toCsv(
    ['provider', 'model', 'cost_usd', 'calls', 'priced_calls', 'unpriced_calls', 'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'avg_cost_per_call_usd', 'cache_savings_usd'],
    modelsTable.sortedRows().map((r) => [r.provider, r.model, knownCost(r), r.calls, r.pricedCalls, r.unpricedCalls, r.inputTokens, r.cacheReadTokens, r.cacheWriteTokens, r.outputTokens, r.reasoningTokens, r.avgCostPerCallUsd, r.cacheSavingsUsd]),
  ));
});
byId<HTMLFormElement>('auth-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = byId<HTMLInputElement>('auth-token');
  setToken(input.value.trim());
  input.value = '';
  setText(byId('auth-error'), '');
  void refresh();
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void refresh();
});

void refresh();
