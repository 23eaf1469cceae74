import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectorConfigFromRaw, resolveCollectorConfig } from '../../src/collector/index.js';
import { readYamlConfig } from '../../src/collector/config-sources.js';
import { configError } from '../helpers/config-error.js';

const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-config-msg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const resolveRaw = (raw: Record<string, unknown>) => resolveCollectorConfig(collectorConfigFromRaw(raw, {}));

describe('collector config messages', () => {
  it('a mistyped key suggests the collector setting it resembles, and lists file settings only', () => {
    for (const [typo, meant] of [['otlp_prot', 'otlp_port'], ['hots', 'host'], ['metric_port', 'metrics_port'], ['budget', 'budgets'], ['timzone', 'timezone']] as const) {
      const err = configError(() => resolveRaw({ [typo]: 1 }));
      expect(err.field).toBe(typo);
      expect(err.message).toContain(`did you mean ${meant}?`);
    }
    const err = configError(() => resolveRaw({ otlp_prot: 4318 }));
    for (const key of ['host', 'otlp_port', 'grpc_port', 'metrics_port', 'store', 'budgets', 'prices']) expect(err.message).toContain(key);
    // In-process options (objects, functions) cannot be written in a file: not offered.
    for (const key of ['meterProvider', 'meter_provider', 'clock', 'onBudgetEvent', 'on_budget_event']) expect(err.message).not.toContain(key);
    // ...and not accepted from one either.
    expect(configError(() => resolveRaw({ clock: 5 })).field).toBe('clock');
  });

  it('a bad port suggests that port\'s own usual number', () => {
    const metrics = configError(() => resolveRaw({ metrics_port: 70000 }));
    expect(metrics.field).toBe('metrics_port');
    expect(metrics.message).toContain('--metrics-port 9464');
    expect(metrics.message).not.toContain('4318');
    expect(configError(() => resolveRaw({ otlp_port: -1 })).message).toContain('--otlp-port 4318');
  });

  it('a relative store: in a YAML file resolves against the file\'s folder', () => {
    const sub = join(dir, 'conf');
    mkdirSync(sub, { recursive: true });
    const file = join(sub, 'collector.yaml');
    writeFileSync(file, 'store: data/costs.db\n');
    expect(readYamlConfig(file).store).toBe(join(sub, 'data', 'costs.db'));
    writeFileSync(file, 'store: /var/lib/costs.db\n');
    expect(readYamlConfig(file).store).toBe('/var/lib/costs.db');
    writeFileSync(file, "store: ':memory:'\n");
    expect(readYamlConfig(file).store).toBe(':memory:');
  });

  it('a relative prices.catalog_file in a YAML file resolves against the file\'s folder too', () => {
    const sub = join(dir, 'conf2');
    mkdirSync(sub, { recursive: true });
    const file = join(sub, 'collector.yaml');
    writeFileSync(file, 'prices:\n  catalog_file: prices/data.json\n  corrections: false\n');
    expect(readYamlConfig(file).prices).toEqual({ catalog_file: join(sub, 'prices', 'data.json'), corrections: false });
    writeFileSync(file, 'prices:\n  catalogFile: /srv/data.json\n');
    expect(readYamlConfig(file).prices).toEqual({ catalogFile: '/srv/data.json' });
    writeFileSync(file, 'otlp_port: 4318\n');
    expect(readYamlConfig(file)).toEqual({ otlp_port: 4318 });
  });
});
