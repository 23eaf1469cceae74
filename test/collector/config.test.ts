import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectorConfigFromRaw, resolveCollectorConfig, startCollector } from '../../src/collector/index.js';
import { configFromEnv, mergeLayers, readYamlConfig } from '../../src/collector/config-sources.js';
import { ConfigError } from '../../src/config-error.js';
import { exportSpans, testCollector } from './helpers/collector.js';
import { CLI, freePort, requireBuiltCli, spawnCollector } from './helpers/processes.js';
import { genAiChat, recordedTracer } from './helpers/spans.js';
import { configError } from '../helpers/config-error.js';

const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function yaml(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const resolveRaw = (raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => resolveCollectorConfig(collectorConfigFromRaw(raw, env));

describe('serve configuration', () => {
  it('merges flags > env > file > defaults, forward key by key', () => {
    const file = readYamlConfig(
      yaml('a.yaml', 'otlp_port: 1111\nmetrics_port: 1112\nhost: 10.0.0.1\nforward:\n  endpoint: http://file:4318/v1/traces\n  queue_size: 7\ndimensions: [team]\nbudgets:\n  - name: monthly\n    limit_usd: 100\n    period: month\n'),
    );
    const env = configFromEnv({ OTEL_LLM_COST_OTLP_PORT: '2222', OTEL_LLM_COST_FORWARD_ENDPOINT: 'http://env:4318/v1/traces', OTEL_LLM_COST_FORWARD_HEADERS: 'x-api-key=abc,x-team=ml' });
    const flags = { otlp_port: 3333 };
    const cfg = resolveRaw(mergeLayers({ store: './x.db' }, file, env, flags));
    expect(cfg.otlpPort).toBe(3333);
    expect(cfg.metricsPort).toBe(1112);
    expect(cfg.host).toBe('10.0.0.1');
    expect(cfg.forward).toEqual({ endpoint: 'http://env:4318/v1/traces', queueSize: 7, headers: { 'x-api-key': 'abc', 'x-team': 'ml' } });
    expect(cfg.pipeline.store).toBe('./x.db');
    expect(cfg.pipeline.dimensions).toEqual(['team']);
    expect(cfg.pipeline.budgets).toHaveLength(1);
    expect(resolveRaw(mergeLayers(file, env)).otlpPort).toBe(2222);
    expect(resolveRaw(mergeLayers(file)).otlpPort).toBe(1111);
    const d = resolveRaw({});
    expect([d.host, d.otlpPort, d.metricsPort, d.maxBodyBytes, d.authToken, d.forward]).toEqual(['127.0.0.1', 4318, 9464, 16 * 1024 * 1024, undefined, undefined]);
  });

  it('reads the auth token from the named variable; env token wins over a file auth_token_env', () => {
    const env = { MY_TOKEN: 'secret-token-1', OTEL_LLM_COST_AUTH_TOKEN: 'env-token-22' };
    expect(resolveRaw({ auth_token_env: 'MY_TOKEN' }, env).authToken).toBe('secret-token-1');
    expect(resolveRaw(mergeLayers({ auth_token_env: 'MY_TOKEN' }, configFromEnv(env)), env).authToken).toBe('env-token-22');
    expect(configError(() => resolveRaw({ auth_token_env: 'NOPE' }, env)).field).toBe('auth_token_env');
  });

  it('names the field and the fix for bad values', () => {
    const cases: Array<[() => unknown, string, RegExp]> = [
      [() => resolveRaw({ otlp_port: 'abc' }), 'otlp_port', /port number/],
      [() => resolveRaw({ otlp_port: 70000 }), 'otlp_port', /0-65535/],
      [() => resolveRaw({ otlp_port: 5000, metrics_port: 5000 }), 'metrics_port', /same as otlp_port/],
      [() => resolveRaw({ max_body_bytes: -1 }), 'max_body_bytes', /positive whole number/],
      [() => resolveRaw({ max_concurrent_requests: 0 }), 'max_concurrent_requests', /positive whole number/],
      [() => resolveRaw({ auth_token: 'short' }), 'auth_token', /at least 8/],
      [() => resolveRaw({ forward: { endpoint: 'not a url' } }), 'forward.endpoint', /not a URL/],
      [() => resolveRaw({ forward: { endpoint: 'ftp://x/v1/traces' } }), 'forward.endpoint', /protocol/],
      [() => resolveRaw({ forward: { endpoint: 'http://x', bogus: 1 } }), 'forward.bogus', /unknown option/],
      [() => resolveRaw({ forward: { endpoint: 'http://x', compression: 'zstd' } }), 'forward.compression', /gzip or none/],
      [() => resolveRaw({ forward: { endpoint: 'http://x', max_retries: -1 } }), 'forward.max_retries', />= 0/],
      [() => resolveRaw({ no_such_option: 1 }), 'no_such_option', /unknown option/],
      [() => resolveRaw({ dimensions: ['session.id'] }), 'dimensions[0]', /unbounded/],
      [() => configFromEnv({ OTEL_LLM_COST_METRICS_PORT: '9x' }), 'OTEL_LLM_COST_METRICS_PORT', /whole number/],
      [() => configFromEnv({ OTEL_LLM_COST_GENAI_METRICS: 'maybe' }), 'OTEL_LLM_COST_GENAI_METRICS', /true or false/],
      [() => readYamlConfig(yaml('bad.yaml', 'otlp_port: [1,\n')), 'config', /not valid YAML/],
      [() => readYamlConfig(yaml('list.yaml', '- 1\n- 2\n')), 'config', /mapping/],
      [() => readYamlConfig(join(dir, 'missing.yaml')), 'config', /cannot read/],
    ];
    for (const [fn, field, problem] of cases) {
      const err = configError(fn);
      expect(err.field, err.message).toBe(field);
      expect(err.message).toMatch(problem);
      expect(err.message).toMatch(/Fix: /);
    }
  });

  it('startCollector rejects bad config before opening ports', async () => {
    await expect(startCollector({ otlpPort: -5 })).rejects.toThrow(ConfigError);
  });

  it('bearer auth: 401 without the token, accepted with it', async () => {
    const c = await testCollector({ authToken: 'test-token-123' });
    try {
      const t = recordedTracer('svc-auth');
      t.span('chat', genAiChat('gpt-4o', 1, 1));
      const denied = await fetch(c.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer wrong-token' }, body: '{}' });
      expect(denied.status).toBe(401);
      expect(denied.headers.get('www-authenticate')).toBe('Bearer');
      expect((await exportSpans(c.otlpUrl, 'proto', t.finished())).code).toBe(1);
      expect((await exportSpans(c.otlpUrl, 'proto', t.finished(), { Authorization: 'Bearer test-token-123' })).code).toBe(0);
    } finally {
      await c.close();
    }
  });
});

describe('receiver limits', () => {
  it('a sender still writing its body holds no processing slot (max_concurrent_requests counts from the arrived body)', async () => {
    const c = await testCollector({ maxConcurrentRequests: 1 });
    try {
      const url = new URL(c.otlpUrl);
      const body = Buffer.from('{"resourceSpans":[]}');
      let finish: () => void = () => undefined;
      const slow = new Promise<number>((resolve, reject) => {
        const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.write(body.subarray(0, 5));
        finish = () => req.end(body.subarray(5));
      });
      await new Promise((r) => setTimeout(r, 100));
      const other = await fetch(c.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(other.status).toBe(200);
      finish();
      expect(await slow).toBe(200);
      expect((await fetch(c.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(200);
    } finally {
      await c.close();
    }
  });
});

describe('otel-llm-cost serve (built CLI)', () => {
  it('--help documents flags and environment variables', () => {
    requireBuiltCli();
    const r = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const word of ['--config', '--host', '--otlp-port', '--metrics-port', '--store', '--forward-endpoint', '--auth-token-env', 'OTEL_LLM_COST_OTLP_PORT', '0.0.0.0']) expect(r.stdout).toContain(word);
  });

  it('exits 2 with the field named for bad flags and bad files', () => {
    requireBuiltCli();
    const bad = spawnSync(process.execPath, [CLI, 'serve', '--otlp-port', 'abc'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--otlp-port.*whole number/);
    const file = yaml('unknown.yaml', 'otlp_prot: 4318\n');
    const unknown = spawnSync(process.execPath, [CLI, 'serve', '--config', file], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/`otlp_prot`: unknown option/);
  });

  it('env beats the file, and flags beat env, end to end', async () => {
    const [filePort, envPort, flagPort] = [await freePort(), await freePort(), await freePort()];
    const file = yaml('ports.yaml', `otlp_port: ${filePort}\nstore: ':memory:'\n`);
    const a = await spawnCollector(['--config', file], { OTEL_LLM_COST_OTLP_PORT: String(envPort) }, ['--metrics-port', '0', '--grpc-port', '0']);
    expect(new URL(a.otlpUrl).port).toBe(String(envPort));
    expect(await a.stop()).toBe(0);
    const b = await spawnCollector(['--config', file, '--otlp-port', String(flagPort)], { OTEL_LLM_COST_OTLP_PORT: String(envPort) }, ['--metrics-port', '0', '--grpc-port', '0']);
    expect(new URL(b.otlpUrl).port).toBe(String(flagPort));
    expect(await b.stop()).toBe(0);
  });
});

describe('docs/collector.md', () => {
  it('its example collector.yaml is a valid configuration', () => {
    const doc = readFileSync(join(__dirname, '../../docs/collector.md'), 'utf8');
    const block = /Example `collector.yaml`:\n\n```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
    const cfg = resolveRaw(readYamlConfig(yaml('doc-example.yaml', block)), { LLM_COST_TOKEN: 'a-long-token' });
    expect(cfg.host).toBe('0.0.0.0');
    expect(cfg.authToken).toBe('a-long-token');
    expect(cfg.forward).toMatchObject({ endpoint: 'http://tempo:4318/v1/traces', compression: 'gzip' });
    expect(cfg.pipeline.budgets).toHaveLength(1);
  });
});
