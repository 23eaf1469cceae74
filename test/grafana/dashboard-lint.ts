// The dashboard-linter rules that matter here, as a function from dashboard JSON to a list
// of problems (empty = clean). Counters are the names ending in _total and the histogram
// series (_bucket, _sum, _count).
import { normalizeIncreaseIdiom, selectors } from './promql.js';

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface Target {
  expr?: string;
  refId?: string;
  datasource?: { type?: string; uid?: string };
}
export interface Panel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  gridPos?: GridPos;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  fieldConfig?: { defaults?: { unit?: string } };
  panels?: Panel[];
}
export interface DashboardJson {
  uid?: string;
  title?: string;
  panels?: Panel[];
  templating?: { list?: Array<{ name: string; type: string; query?: unknown; datasource?: { uid?: string } }> };
}

const DS_UID = '${datasource}';

export function isCounterSeries(name: string): boolean {
  return /_(total|bucket|sum|count)$/.test(name);
}

/** Non-row panels, including those nested in collapsed rows. */
export function allPanels(d: DashboardJson): Panel[] {
  const out: Panel[] = [];
  for (const p of d.panels ?? []) {
    if (p.type === 'row') out.push(...(p.panels ?? []));
    else out.push(p);
  }
  return out;
}

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

export function lintExpr(expr: string): string[] {
  const problems: string[] = [];
  const normalized = normalizeIncreaseIdiom(expr);
  if (normalized === undefined) return [`malformed increase idiom in: ${expr}`];
  for (const s of selectors(normalized)) {
    const label = s.name ?? `{__name__=~"${s.nameRegex}"}`;
    if ((s.fn === 'rate' || s.fn === 'irate') && s.range !== '$__rate_interval') {
      problems.push(`${s.fn}(${label}[${s.range}]) must use [$__rate_interval]`);
    }
    if (s.fn === 'increase' && s.range !== '$__range') {
      problems.push(`increase(${label}[${s.range}]) must use [$__range]`);
    }
    const counter = s.name !== undefined ? isCounterSeries(s.name) : false;
    if (counter && !['rate', 'irate', 'increase'].includes(s.fn ?? '')) {
      problems.push(`counter ${label} used outside rate/irate/increase`);
    }
  }
  return problems;
}

export function lintDashboard(d: DashboardJson): string[] {
  const problems: string[] = [];
  const vars = d.templating?.list ?? [];
  const dsVar = vars.find((v) => v.name === 'datasource');
  if (!dsVar || dsVar.type !== 'datasource' || dsVar.query !== 'prometheus') {
    problems.push('no datasource variable named "datasource" of type prometheus');
  }
  for (const v of vars) {
    if (v.type === 'query' && v.datasource?.uid !== DS_UID) problems.push(`variable ${v.name} does not use $datasource`);
  }

  const ids = new Map<number, string>();
  const boxes: Array<[string, GridPos]> = [];
  for (const p of d.panels ?? []) {
    const where = `panel ${p.id} "${p.title}"`;
    for (const q of [p, ...(p.type === 'row' ? (p.panels ?? []) : [])]) {
      if (q.id === undefined) problems.push(`panel "${q.title}" has no id`);
      else if (ids.has(q.id)) problems.push(`panel id ${q.id} used by "${ids.get(q.id)}" and "${q.title}"`);
      else ids.set(q.id, q.title ?? '');
    }
    const g = p.gridPos;
    if (!g) {
      problems.push(`${where} has no gridPos`);
      continue;
    }
    if (g.x < 0 || g.y < 0 || g.w <= 0 || g.h <= 0 || g.x + g.w > 24) problems.push(`${where} is outside the 24-column grid`);
    for (const [other, b] of boxes) if (overlaps(g, b)) problems.push(`${where} overlaps ${other}`);
    boxes.push([where, g]);
  }

  for (const p of allPanels(d)) {
    const where = `panel ${p.id} "${p.title}"`;
    if (!p.description?.trim()) problems.push(`${where} has no description`);
    if (!p.fieldConfig?.defaults?.unit) problems.push(`${where} has no unit`);
    if (p.datasource?.uid !== DS_UID) problems.push(`${where} does not use $datasource`);
    if (!p.targets?.length) problems.push(`${where} has no query`);
    for (const t of p.targets ?? []) {
      if (t.datasource?.uid !== DS_UID) problems.push(`${where} query ${t.refId} does not use $datasource`);
      if (!t.expr) {
        problems.push(`${where} query ${t.refId} has no expr`);
        continue;
      }
      for (const e of lintExpr(t.expr)) problems.push(`${where} query ${t.refId}: ${e}`);
    }
  }
  return problems;
}
