// Python apps export over gRPC with grpcio (gRPC C-core), a different HTTP/2 stack from
// grpc-js. The OpenTelemetry Python SDK cannot be installed here (no PyPI), so this sends
// what its exporter sends, an encoded ExportTraceServiceRequest, through Python's own grpcio
// (Debian python3-grpcio; .ci/run installs it): plain and gzip, with and without the token.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { calcPrice } from '@pydantic/genai-prices';
import type { RunningCollector } from '../../src/collector/index.js';
import { PROM } from '../../src/semconv.js';
import { scrape, testCollector, total } from './helpers/collector.js';
import { genAiChat, recordedTracer } from './helpers/spans.js';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

// argv: host:port, compression (gzip|none), token or ''. stdin: the request bytes.
const CLIENT = `
import sys, grpc
target, compression, token = sys.argv[1], sys.argv[2], sys.argv[3]
export = grpc.insecure_channel(target).unary_unary('/opentelemetry.proto.collector.trace.v1.TraceService/Export')
try:
    response = export(sys.stdin.buffer.read(), timeout=20,
                      metadata=[('authorization', 'Bearer ' + token)] if token else None,
                      compression=grpc.Compression.Gzip if compression == 'gzip' else grpc.Compression.NoCompression)
    print('OK', len(response))
except grpc.RpcError as e:
    print(e.code().name, e.details())
`;

/** Runs the client in a child process (asynchronously: the collector answers from this one). */
function pythonExport(url: string, body: Buffer, compression: 'gzip' | 'none', token = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', CLIENT, new URL(url).host, compression, token], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) return resolve(out.trim());
      if (/No module named 'grpc'/.test(err)) reject(new Error(`${PYTHON} has no grpc module: install it with \`apt-get install python3-grpcio\` (.ci/run does)`));
      else reject(new Error(`${PYTHON} exited with ${code}: ${err}`));
    });
    child.stdin.end(body);
  });
}

/** A request as the SDKs batch by default: 512 spans (~100 KB), half of them chat calls. */
function batch(service: string): { body: Buffer; wantUsd: number } {
  const t = recordedTracer(service);
  let wantUsd = 0;
  for (let i = 0; i < 256; i++) {
    t.span('POST /chat', { 'http.route': '/chat', 'url.path': '/chat' }, () => {
      t.span('chat gpt-4o-mini', genAiChat('gpt-4o-mini', 1000 + i, 100 + i, { 'gen_ai.conversation.id': `conv-${i}` }));
    });
    wantUsd += calcPrice({ input_tokens: 1000 + i, output_tokens: 100 + i }, 'gpt-4o-mini', { providerId: 'openai' })!.total_price;
  }
  return { body: Buffer.from(ProtobufTraceSerializer.serializeRequest(t.finished() as never)!), wantUsd };
}

describe('OTLP/gRPC from Python grpcio (gRPC C-core)', () => {
  let c: RunningCollector;
  beforeAll(async () => {
    c = await testCollector({ authToken: 'python-grpc-token' });
  });
  afterAll(async () => {
    await c.close();
  });

  it('prices a default-size batch exactly, plain and gzip; refuses a wrong token', async () => {
    for (const compression of ['none', 'gzip'] as const) {
      const service = `py-grpc-${compression}`;
      const { body, wantUsd } = batch(service);
      expect(body.length).toBeGreaterThan(65_535);
      expect(await pythonExport(c.grpcUrl!, body, compression, 'wrong-token-123')).toMatch(/^UNAUTHENTICATED /);
      expect(await pythonExport(c.grpcUrl!, body, compression, 'python-grpc-token')).toBe('OK 0');
      const m = await scrape(c.metricsUrl);
      expect(total(m, PROM.requests, { service_name: service })).toBe(256);
      expect(Math.abs(total(m, PROM.cost, { service_name: service }) - wantUsd)).toBeLessThanOrEqual(wantUsd * 1e-9);
    }
    expect(await pythonExport(c.grpcUrl!, Buffer.from('not protobuf \xff\xff'), 'none', 'python-grpc-token')).toMatch(/^INVALID_ARGUMENT malformed/);
  });
});
