// The Node recipe of docs/collector.md, as a user runs it: an app process whose NodeSDK is
// configured by environment variables only, against `otel-llm-cost serve` from the built CLI,
// once with the SDK's default protocol (OTLP/HTTP protobuf) and once with
// OTEL_EXPORTER_OTLP_PROTOCOL=grpc.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROM } from '../../src/semconv.js';
import { scrape, total } from './helpers/collector.js';
import { spawnCollector } from './helpers/processes.js';
import type { CollectorProcess } from './helpers/processes.js';

const ROOT = resolve(__dirname, '../..');

// A minimal app: NodeSDK from env, one GenAI chat span, then shutdown (which flushes).
const APP = `
import { NodeSDK } from '@opentelemetry/sdk-node';
import { trace } from '@opentelemetry/api';
const sdk = new NodeSDK();
sdk.start();
trace.getTracer('app').startSpan('chat gpt-4o', { attributes: {
  'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': Number(process.env.IN), 'gen_ai.usage.output_tokens': 250,
} }).end();
await sdk.shutdown();
`;

function runApp(env: Record<string, string>): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', APP], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: process.env.PATH, OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', OTEL_TRACES_EXPORTER: 'otlp', ...env },
  });
  return { status: r.status, stderr: r.stderr };
}

describe('NodeSDK configured by environment only, against serve', () => {
  let c: CollectorProcess;
  beforeAll(async () => {
    c = await spawnCollector(['--store', ':memory:']);
  });
  afterAll(async () => {
    expect(await c.stop()).toBe(0);
  });

  it('OTLP/gRPC (OTEL_EXPORTER_OTLP_PROTOCOL=grpc) and the default OTLP/HTTP both price the call exactly', async () => {
    const grpc = runApp({ OTEL_SERVICE_NAME: 'node-grpc', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: c.grpcUrl!, IN: '3000' });
    expect(grpc, grpc.stderr).toMatchObject({ status: 0 });
    const base = c.otlpUrl.replace(/\/v1\/traces$/, '');
    const http = runApp({ OTEL_SERVICE_NAME: 'node-http', OTEL_EXPORTER_OTLP_ENDPOINT: base, IN: '5000' });
    expect(http, http.stderr).toMatchObject({ status: 0 });
    const m = await scrape(c.metricsUrl);
    for (const [service, input] of [['node-grpc', 3000], ['node-http', 5000]] as const) {
      const want = calcPrice({ input_tokens: input, output_tokens: 250 }, 'gpt-4o', { providerId: 'openai' })!.total_price;
      expect(total(m, PROM.requests, { service_name: service })).toBe(1);
      expect(Math.abs(total(m, PROM.cost, { service_name: service }) - want)).toBeLessThanOrEqual(want * 1e-9);
    }
  });
});
