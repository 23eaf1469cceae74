// budgetStore options: validated once at start, errors name the field and the fix; the
// collector reads the same fields from YAML (snake_case) and the environment.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LlmCostSpanProcessor } from '../../src/index.js';
import { validateOptions } from '../../src/options-validate.js';
import { collectorConfigFromRaw, resolveCollectorConfig } from '../../src/collector/index.js';
import { configFromEnv, mergeLayers, readYamlConfig } from '../../src/collector/config-sources.js';
import { configError } from '../helpers/config-error.js';

const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-budget-store-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('budgetStore configuration', () => {
  it('accepts a Redis URL with its options, camelCase or snake_case', () => {
    expect(validateOptions({ budget_store: 'redis://cache:6379/2', budget_store_key_prefix: 'prod:', budget_sync_ms: 500, budget_store_unavailable: 'block' })).toEqual({
      budgetStore: 'redis://cache:6379/2',
      budgetStoreKeyPrefix: 'prod:',
      budgetSyncMs: 500,
      budgetStoreUnavailable: 'block',
    });
    expect(validateOptions({ budgetStore: 'rediss://user:secret@cache.example.com:6380' }).budgetStore).toBe('rediss://user:secret@cache.example.com:6380');
  });

  it.each([
    [{ budgetStore: 'http://cache:6379' }, 'budgetStore', /is not a Redis URL.*redis:\/\/host:6379\/0/],
    [{ budgetStore: 'cache:6379' }, 'budgetStore', /is not a Redis URL/],
    [{ budgetStore: 42 }, 'budgetStore', /is not a Redis URL/],
    [{ budgetStore: 'redis://cache:6379/prod' }, 'budgetStore', /database "prod" is not a number/],
    [{ budgetStore: 'redis://cache:6379/0', analytics: false }, 'budgetStore', /needs the analytics engine/],
    [{ budgetSyncMs: 1000 }, 'budgetSyncMs', /only applies with a shared budget store/],
    [{ budgetStoreUnavailable: 'block' }, 'budgetStoreUnavailable', /only applies with a shared budget store/],
    [{ budgetStore: 'redis://c:6379/0', budgetSyncMs: 0 }, 'budgetSyncMs', /from 10 to 60000, got 0/],
    [{ budgetStore: 'redis://c:6379/0', budgetSyncMs: 1.5 }, 'budgetSyncMs', /got 1.5/],
    [{ budgetStore: 'redis://c:6379/0', budgetStoreUnavailable: 'deny' }, 'budgetStoreUnavailable', /unknown value "deny".*'allow'.*'block'/],
    [{ budgetStore: 'redis://c:6379/0', budgetStoreKeyPrefix: '' }, 'budgetStoreKeyPrefix', /non-empty string without spaces/],
  ])('rejects %j at start, naming %s', (raw, field, message) => {
    const err = configError(() => new LlmCostSpanProcessor(raw as never));
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
  });

  it('reads budget_store from the collector YAML and OTEL_LLM_COST_BUDGET_STORE from the environment', () => {
    const path = join(dir, 'collector.yaml');
    writeFileSync(path, 'budget_store: redis://redis:6379/0\nbudget_sync_ms: 250\nbudget_store_key_prefix: "llm:"\nbudgets:\n  - name: daily\n    limit_usd: 50\n    period: day\n    action: block\n');
    const fromFile = resolveCollectorConfig(collectorConfigFromRaw(readYamlConfig(path), {}));
    expect(fromFile.pipeline).toMatchObject({ budgetStore: 'redis://redis:6379/0', budgetSyncMs: 250, budgetStoreKeyPrefix: 'llm:' });
    const fromEnv = resolveCollectorConfig(collectorConfigFromRaw(mergeLayers(readYamlConfig(path), configFromEnv({ OTEL_LLM_COST_BUDGET_STORE: 'redis://other:6379/1' })), {}));
    expect(fromEnv.pipeline.budgetStore).toBe('redis://other:6379/1');
    writeFileSync(path, 'budget_store: redis://redis:6379/0\nbudget_store_unavailable: maybe\n');
    const err = configError(() => collectorConfigFromRaw(readYamlConfig(path), {}));
    expect(err.field).toBe('budgetStoreUnavailable');
  });
});
