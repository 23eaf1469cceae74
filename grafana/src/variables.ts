// Template variables shared by the dashboards.
import {
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE, DATASOURCE_VAR } from './panels.js';

export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(DATASOURCE_VAR)
    .label('Data source')
    .type('prometheus')
    .description('Prometheus that scrapes the otel-llm-cost metrics.');
}

/** A multi-value label variable with "All" meaning any value (also an absent label). */
export function labelVariable(name: string, label: string, query: string, description: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(DATASOURCE)
    .query({ qryType: 1, query, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalCaseInsensitiveAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: 'All', value: '$__all' });
}

/** A link to the other otel-llm-cost dashboards (by tag), keeping the time range. */
export function dashboardsLink(): DashboardLinkBuilder {
  return new DashboardLinkBuilder('LLM cost dashboards')
    .type(DashboardLinkType.Dashboards)
    .tags(['otel-llm-cost'])
    .asDropdown(false)
    .keepTime(true)
    .includeVars(false)
    .targetBlank(false);
}
