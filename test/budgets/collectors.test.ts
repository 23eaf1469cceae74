// Two collectors configured from one YAML file with budget_store share a budget on a real
// redis-server: spans sent to either count once in the fleet total, /api/budgets says 'fleet'.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectorConfigFromRaw } from '../../src/collector/index.js';
import { readYamlConfig } from '../../src/collector/config-sources.js';
import { exportSpans, testCollector } from '../collector/helpers/collector.js';
import { recordedTracer } from '../collector/helpers/spans.js';
import { RedisServer } from './redis-server.js';

let redis: RedisServer;
const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-collectors-'));
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('collectors sharing budget_store', () => {
  it('add the calls each one received to one fleet total, once', async () => {
    const path = join(dir, 'collector.yaml');
    writeFileSync(
      path,
      [
        `budget_store: ${redis.url}`,
        'budget_store_key_prefix: "collectors:"',
        'budget_sync_ms: 50',
        'prices:',
        '  models:',
        '    - { model: fleet-model, input_per_mtok: 2, output_per_mtok: 10 }',
        'budgets:',
        '  - { name: daily, limit_usd: 1, period: day, action: block }',
        '',
      ].join('\n'),
    );
    const config = collectorConfigFromRaw(readYamlConfig(path), {});
    const collectors = [await testCollector(config), await testCollector(config)];
    // 1000 input tokens at $2/M + 100 output at $10/M = $0.003 a call.
    const sent = [3, 2];
    for (const [n, c] of sent.map((n, k) => [n, collectors[k]!] as const)) {
      const t = recordedTracer('agent');
      for (let i = 0; i < n; i++) {
        t.span('chat fleet-model', { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'fleet-model', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100 });
      }
      expect((await exportSpans(c.otlpUrl, 'proto', t.finished())).code).toBe(0);
    }
    // Collector 0 sees collector 1's calls after their next syncs (every 50 ms).
    const url = collectors[0]!.metricsUrl.replace('/metrics', '/api/budgets');
    let budgets: Array<{ scope: string; spentUsd: number }> = [];
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      budgets = (await (await fetch(url)).json()) as typeof budgets;
      if (budgets[0]!.spentUsd >= 0.015 - 1e-9) break;
    }
    expect(budgets[0]!.scope).toBe('fleet');
    expect(budgets[0]!.spentUsd).toBeCloseTo(0.015, 12);
    for (const c of collectors) await c.close();
    const client = redis.client();
    await client.connect();
    const [key] = await client.keys('collectors:budget:daily:*:day:*');
    expect(await client.get(key!)).toBe('15000');
    client.disconnect();
  });
});
