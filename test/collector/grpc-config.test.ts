// grpc_port from YAML, env and flags; its errors; and `serve` taking OTLP/gRPC end to end.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, describe, expect, it } from 'vitest';
import { collectorConfigFromRaw, resolveCollectorConfig } from '../../src/collector/index.js';
import { configFromEnv, mergeLayers, readYamlConfig } from '../../src/collector/config-sources.js';
import { PROM } from '../../src/semconv.js';
import { configError } from '../helpers/config-error.js';
import { scrape, total } from './helpers/collector.js';
import { exportSpansGrpc } from './helpers/grpc.js';
import { CLI, requireBuiltCli, spawnCollector } from './helpers/processes.js';
import { genAiChat, recordedTracer } from './helpers/spans.js';

const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-grpc-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const resolveRaw = (raw: Record<string, unknown>) => resolveCollectorConfig(collectorConfigFromRaw(raw, {}));
const fromYaml = (text: string): Record<string, unknown> => {
  const path = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return readYamlConfig(path);
};

describe('grpc_port configuration', () => {
  it('defaults to 4317; 0, a port, or off from YAML, env and flags (flags > env > file)', () => {
    expect(resolveRaw({}).grpcPort).toBe(4317);
    expect(resolveRaw(fromYaml('grpc_port: 0\n')).grpcPort).toBe(0);
    expect(resolveRaw(fromYaml('grpc_port: 5317\n')).grpcPort).toBe(5317);
    for (const off of ['grpc_port: off\n', 'grpc_port: OFF\n', 'grpc_port: false\n', 'grpcPort: off\n']) expect(resolveRaw(fromYaml(off)).grpcPort, off).toBeUndefined();
    expect(resolveRaw(configFromEnv({ OTEL_LLM_COST_GRPC_PORT: 'off' })).grpcPort).toBeUndefined();
    expect(resolveRaw(configFromEnv({ OTEL_LLM_COST_GRPC_PORT: '6317' })).grpcPort).toBe(6317);
    const merged = mergeLayers(fromYaml('grpc_port: off\n'), configFromEnv({ OTEL_LLM_COST_GRPC_PORT: '6317' }), { grpc_port: 7317 });
    expect(resolveRaw(merged).grpcPort).toBe(7317);
    expect(resolveCollectorConfig({ grpcPort: false }).grpcPort).toBeUndefined();
  });

  it('names the field and the fix for bad values', () => {
    const cases: Array<[() => unknown, string, RegExp]> = [
      [() => resolveRaw({ grpc_port: 70000 }), 'grpc_port', /0-65535 or off/],
      [() => resolveRaw({ grpc_port: 'disabled' }), 'grpc_port', /0-65535 or off/],
      [() => resolveRaw({ grpc_port: 4318 }), 'grpc_port', /same as otlp_port/],
      [() => resolveRaw({ grpc_port: 9464 }), 'grpc_port', /same as metrics_port/],
      [() => configFromEnv({ OTEL_LLM_COST_GRPC_PORT: '43x7' }), 'OTEL_LLM_COST_GRPC_PORT', /port number or off/],
    ];
    for (const [fn, field, problem] of cases) {
      const err = configError(fn);
      expect(err.field, err.message).toBe(field);
      expect(err.message).toMatch(problem);
      expect(err.message).toMatch(/Fix: .*(4317|off)/);
    }
  });
});

describe('otel-llm-cost serve: OTLP/gRPC (built CLI)', () => {
  it('takes the real gRPC exporter, prices exactly, and drains on SIGTERM', async () => {
    const c = await spawnCollector(['--store', ':memory:']);
    try {
      expect(c.grpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const t = recordedTracer('svc-cli-grpc');
      t.span('chat gpt-4o-mini', genAiChat('gpt-4o-mini', 2500, 500));
      expect((await exportSpansGrpc(c.grpcUrl!, t.finished(), { gzip: true })).code).toBe(0);
      const m = await scrape(c.metricsUrl);
      const want = calcPrice({ input_tokens: 2500, output_tokens: 500 }, 'gpt-4o-mini', { providerId: 'openai' })!.total_price;
      expect(Math.abs(total(m, PROM.cost, { service_name: 'svc-cli-grpc' }) - want)).toBeLessThanOrEqual(want * 1e-9);
    } finally {
      expect(await c.stop()).toBe(0);
    }
    expect(c.stdout()).toMatch(/SIGTERM, draining[\s\S]*stopped/);
  });

  it('--grpc-port off: no gRPC listener, said so at start', async () => {
    const c = await spawnCollector(['--store', ':memory:', '--grpc-port', 'off']);
    try {
      expect(c.grpcUrl).toBeUndefined();
      expect(c.stdout()).toMatch(/OTLP\/gRPC off, OTLP\/HTTP traces on/);
    } finally {
      expect(await c.stop()).toBe(0);
    }
  });

  it('exits 2 naming the flag for a bad --grpc-port, and for a gRPC port in use', async () => {
    requireBuiltCli();
    const bad = spawnSync(process.execPath, [CLI, 'serve', '--grpc-port', 'abc'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--grpc-port.*port number or off/);
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const busy = spawnSync(process.execPath, [CLI, 'serve', '--store', ':memory:', '--otlp-port', '0', '--metrics-port', '0', '--grpc-port', String(port)], { encoding: 'utf8', timeout: 20_000 });
      expect(busy.status, busy.stderr).toBe(2);
      expect(busy.stderr).toMatch(new RegExp(`OTLP/gRPC on 127\\.0\\.0\\.1:${port}.*--grpc-port`));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
