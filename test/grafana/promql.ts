// A small PromQL reader for the dashboard and rule checks: finds the metric selectors of an
// expression and the function each one is an argument of. Not a full parser: it knows the
// syntax the dashboards and rules use (selectors, ranges, offsets, aggregations with
// by/without, binary operators with on/ignoring/group_*, functions, strings, numbers).

export interface SelectorUse {
  /** Metric name, or undefined for `{__name__=~"..."}`. */
  name: string | undefined;
  /** `__name__` regular expression when the selector has no plain name. */
  nameRegex: string | undefined;
  /** Raw `{...}` matchers text (without braces), '' when none. */
  matchers: string;
  /** Range duration text when followed by `[...]`. */
  range: string | undefined;
  /** Innermost function whose argument list holds the selector (aggregations excluded). */
  fn: string | undefined;
}

const KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool',
]);
const AGGREGATIONS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
]);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

type Token =
  | { kind: 'ident'; text: string; pos: number }
  | { kind: 'punct'; text: string; pos: number }
  | { kind: 'string'; text: string; pos: number }
  | { kind: 'number'; text: string; pos: number };

function tokenize(expr: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < expr.length && expr[j] !== c) j += expr[j] === '\\' ? 2 : 1;
      out.push({ kind: 'string', text: expr.slice(i + 1, j), pos: i });
      i = j + 1;
    } else if (/[a-zA-Z_:$]/.test(c)) {
      const m = /^[$a-zA-Z_:][a-zA-Z0-9_:]*/.exec(expr.slice(i))!;
      out.push({ kind: 'ident', text: m[0], pos: i });
      i += m[0].length;
    } else if (/[0-9.]/.test(c)) {
      const m = /^[0-9.]+(?:e[+-]?[0-9]+)?[a-z]*/i.exec(expr.slice(i))!;
      out.push({ kind: 'number', text: m[0], pos: i });
      i += m[0].length;
    } else {
      const two = expr.slice(i, i + 2);
      const t = ['=~', '!~', '!=', '==', '>=', '<='].includes(two) ? two : c;
      out.push({ kind: 'punct', text: t, pos: i });
      i += t.length;
    }
  }
  return out;
}

/** Every metric selector in `expr`, in order. */
export function selectors(expr: string): SelectorUse[] {
  const toks = tokenize(expr);
  const out: SelectorUse[] = [];
  // Stack of open parentheses: the function they belong to, or '' for grouping/aggregation.
  const parens: string[] = [];
  let i = 0;
  const readBraces = (start: number): [string, number] => {
    // toks[start] is '{'; returns the matcher text and the index after '}'.
    let j = start + 1;
    while (j < toks.length && !(toks[j]!.kind === 'punct' && toks[j]!.text === '}')) j++;
    const from = toks[start]!.pos + 1;
    const to = toks[j]!.pos;
    return [expr.slice(from, to).trim(), j + 1];
  };
  const readRange = (start: number): [string | undefined, number] => {
    if (toks[start]?.kind === 'punct' && toks[start]!.text === '[') {
      let j = start + 1;
      while (j < toks.length && !(toks[j]!.kind === 'punct' && toks[j]!.text === ']')) j++;
      return [expr.slice(toks[start]!.pos + 1, toks[j]!.pos).trim(), j + 1];
    }
    return [undefined, start];
  };
  const innermostFn = () => {
    for (let k = parens.length - 1; k >= 0; k--) if (parens[k] !== '') return parens[k];
    return undefined;
  };
  while (i < toks.length) {
    const t = toks[i]!;
    const next = toks[i + 1];
    if (t.kind === 'ident' && GROUPING.has(t.text) && next?.kind === 'punct' && next.text === '(') {
      // Skip the label list.
      let j = i + 2;
      while (j < toks.length && !(toks[j]!.kind === 'punct' && toks[j]!.text === ')')) j++;
      i = j + 1;
      continue;
    }
    if (t.kind === 'ident' && next?.kind === 'punct' && next.text === '(') {
      parens.push(AGGREGATIONS.has(t.text) ? '' : t.text);
      i += 2;
      continue;
    }
    if (t.kind === 'ident' && AGGREGATIONS.has(t.text) && next?.kind === 'ident' && GROUPING.has(next.text)) {
      // `sum by (...) (`: the aggregation's own parenthesis follows the label list.
      let j = i + 3;
      while (j < toks.length && !(toks[j]!.kind === 'punct' && toks[j]!.text === ')')) j++;
      parens.push('');
      i = j + 2;
      continue;
    }
    if (t.kind === 'punct' && t.text === '(') {
      parens.push('');
      i++;
      continue;
    }
    if (t.kind === 'punct' && t.text === ')') {
      parens.pop();
      i++;
      continue;
    }
    if (t.kind === 'ident' && !KEYWORDS.has(t.text) && !t.text.startsWith('$')) {
      let matchers = '';
      let j = i + 1;
      if (toks[j]?.kind === 'punct' && toks[j]!.text === '{') [matchers, j] = readBraces(j);
      const [range, k] = readRange(j);
      out.push({ name: t.text, nameRegex: undefined, matchers, range, fn: innermostFn() });
      i = k;
      continue;
    }
    if (t.kind === 'punct' && t.text === '{') {
      const [matchers, j] = readBraces(i);
      const [range, k] = readRange(j);
      const m = /__name__\s*=~?\s*"([^"]*)"/.exec(matchers);
      out.push({ name: undefined, nameRegex: m?.[1], matchers, range, fn: innermostFn() });
      i = k;
      continue;
    }
    if (t.kind === 'punct' && t.text === '[') {
      // A range after a parenthesised expression (subquery) or a stray bracket: skip it.
      const [, k] = readRange(i);
      i = k;
      continue;
    }
    i++;
  }
  return out;
}

/**
 * Rewrites the "total over a window, counting series born in it" idiom of
 * grafana/src/promql.ts `sumIncrease` to plain `increase(...)`, checking its shape: the
 * bare counter selectors it contains are deliberate. Returns undefined when a part of the
 * idiom is malformed (selectors or windows that differ).
 */
export function normalizeIncreaseIdiom(expr: string): string | undefined {
  let ok = true;
  const sel = String.raw`[a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?`;
  const win = String.raw`\$__range|\d+[smhdwy]`;
  let out = expr.replace(
    new RegExp(String.raw`\(increase\((${sel})\[(${win})\]\) and (${sel}) offset (${win})\)`, 'g'),
    (_m, s1: string, w1: string, s2: string, w2: string) => {
      if (s1 !== s2 || w1 !== w2) ok = false;
      return `increase(${s1}[${w1}])`;
    },
  );
  out = out.replace(new RegExp(String.raw`\((${sel}) unless (${sel}) offset (${win})\)`, 'g'), (_m, s1: string, s2: string) => {
    if (s1 !== s2) ok = false;
    return 'vector(0)';
  });
  return ok ? out : undefined;
}
