import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DASHBOARDS } from '../../grafana/src/generate.js';
import { requireBinary, run } from './tools.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const DOCS = read('docs/grafana.md');

describe('Grafana provisioning', () => {
  it('provisions one Prometheus data source, the type the dashboards select', () => {
    const ds = parse(read('grafana/provisioning/datasources/otel-llm-cost.yaml'));
    expect(ds.apiVersion).toBe(1);
    expect(ds.datasources).toHaveLength(1);
    expect(ds.datasources[0]).toMatchObject({ type: 'prometheus', access: 'proxy', jsonData: { timeInterval: '15s' } });
    for (const build of Object.values(DASHBOARDS)) {
      const variable = build().templating?.list?.find((v) => v.name === 'datasource');
      expect(variable).toMatchObject({ type: 'datasource', query: ds.datasources[0].type });
    }
  });

  it('loads the dashboards folder as it is, from the path the docs mount', () => {
    const p = parse(read('grafana/provisioning/dashboards/otel-llm-cost.yaml'));
    expect(p.apiVersion).toBe(1);
    expect(p.providers).toHaveLength(1);
    const provider = p.providers[0];
    expect(provider).toMatchObject({ type: 'file', allowUiUpdates: false });
    expect(DOCS).toContain(`grafana/dashboards:${provider.options.path}"`);
    for (const dir of ['grafana/provisioning/datasources', 'grafana/provisioning/dashboards', 'grafana/dashboards']) {
      expect(DOCS).toContain(`otel-llm-cost/${dir}:`);
      expect(existsSync(join(ROOT, dir)), dir).toBe(true);
    }
  });
});

describe('Prometheus example configuration', () => {
  it('is valid for promtool and loads the rules', () => {
    const promtool = requireBinary('promtool');
    const r = run(promtool, ['check', 'config', 'prometheus.example.yml'], join(ROOT, 'grafana', 'prometheus'));
    expect(r.output).toContain('SUCCESS: 15 rules found');
    expect(r.code).toBe(0);
  });

  it('is the one shown in docs/grafana.md', () => {
    const example = read('grafana/prometheus/prometheus.example.yml');
    const body = example.slice(example.indexOf('global:'));
    expect(DOCS).toContain('```yaml\n' + body + '```');
  });
});
