// Small builders shared by the dashboards: every panel reads the `datasource` variable,
// has a description and a unit, and every query carries a refId.
import { ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import {
  BarGaugeDisplayMode,
  BigValueColorMode,
  BigValueGraphMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
  VizLegendOptionsBuilder,
  VizOrientation,
} from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** The one datasource variable every panel and query uses. */
export const DATASOURCE_VAR = 'datasource';
export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VAR}}` };

/** Grafana unit ids used by the panels. */
export const UNIT = {
  usd: 'currencyUSD',
  usdPerHour: 'currencyUSD',
  ratio: 'percentunit',
  count: 'short',
  perSecond: 'cps',
  tokensPerSecond: 'suffix: tok/s',
  tokens: 'suffix: tok',
  requestsPerSecond: 'reqps',
  duration: 'dtdurations',
  dateTime: 'dateTimeAsIso',
} as const;

export interface QuerySpec {
  expr: string;
  /** Legend, e.g. `{{gen_ai_provider_name}}`. */
  legend?: string;
  /** Instant query (stat, bar gauge, table); default: range query. */
  instant?: boolean;
  /** Table format for table panels. */
  table?: boolean;
}

export interface PanelSpec {
  id: number;
  title: string;
  description: string;
  unit: string;
  queries: QuerySpec[];
  width: number;
  height: number;
  decimals?: number;
  min?: number;
  max?: number;
  /** Threshold steps [value, color]; the first value is the base (null). */
  thresholds?: Array<[number | null, string]>;
}

function queries(specs: QuerySpec[]): DataqueryBuilder[] {
  return specs.map((q, i) => {
    const b = new DataqueryBuilder()
      .datasource(DATASOURCE)
      .refId(String.fromCharCode(65 + i))
      .expr(q.expr)
      .legendFormat(q.legend ?? '__auto');
    if (q.instant) b.instant();
    else b.range();
    if (q.table) b.format(PromQueryFormat.Table);
    return b;
  });
}

function thresholds(steps: Array<[number | null, string]> | undefined): ThresholdsConfigBuilder {
  const all = steps ?? [[null, 'green']];
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps(all.map(([value, color]) => ({ value, color })));
}

type Common = {
  id(id: number): unknown;
  title(t: string): unknown;
  description(d: string): unknown;
  datasource(d: DataSourceRef): unknown;
  unit(u: string): unknown;
  span(w: number): unknown;
  height(h: number): unknown;
  decimals(d: number): unknown;
  min(m: number): unknown;
  max(m: number): unknown;
  thresholds(t: ThresholdsConfigBuilder): unknown;
  targets(t: DataqueryBuilder[]): unknown;
};

function applyCommon<T extends Common>(b: T, spec: PanelSpec): T {
  b.id(spec.id);
  b.title(spec.title);
  b.description(spec.description);
  b.datasource(DATASOURCE);
  b.unit(spec.unit);
  b.span(spec.width);
  b.height(spec.height);
  b.thresholds(thresholds(spec.thresholds));
  b.targets(queries(spec.queries));
  if (spec.decimals !== undefined) b.decimals(spec.decimals);
  if (spec.min !== undefined) b.min(spec.min);
  if (spec.max !== undefined) b.max(spec.max);
  return b;
}

/** A time series; `stacked` stacks the series (parts of one total). */
export function timeSeries(spec: PanelSpec & { stacked?: boolean }): timeseries.PanelBuilder {
  const b = applyCommon(new timeseries.PanelBuilder(), spec)
    .fillOpacity(spec.stacked ? 30 : 10)
    .lineWidth(1)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Bottom)
        .calcs(['mean', 'max']),
    );
  if (spec.stacked) b.stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
  return b;
}

/** One big number (instant query), optionally with a sparkline. */
export function statPanel(spec: PanelSpec): stat.PanelBuilder {
  return applyCommon(new stat.PanelBuilder(), spec)
    .colorMode(BigValueColorMode.Value)
    .graphMode(BigValueGraphMode.None)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
}

/** Horizontal bars, one per series (instant query). */
export function barGauge(spec: PanelSpec): bargauge.PanelBuilder {
  return applyCommon(new bargauge.PanelBuilder(), spec)
    .displayMode(BarGaugeDisplayMode.Gradient)
    .orientation(VizOrientation.Horizontal)
    .showUnfilled(true)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
}

/** A table of instant results, one row per label set. */
export function tablePanel(spec: PanelSpec): table.PanelBuilder {
  return applyCommon(new table.PanelBuilder(), spec);
}
