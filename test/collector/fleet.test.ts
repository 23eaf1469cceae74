// Three collector processes (the built CLI) behind one workload, scraped by a real
// Prometheus: sum(llm_cost_usd_total) equals the workload's cost, spread over the three.
import { request } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSpans, scrape, total } from './helpers/collector.js';
import { spawnCollector, startPrometheus } from './helpers/processes.js';
import type { CollectorProcess, PrometheusServer } from './helpers/processes.js';
import { genAiChat, openInferenceLlm, recordedTracer } from './helpers/spans.js';

const WORKLOAD: Array<{ model: string; provider: 'openai' | 'anthropic'; input: number; output: number }> = [
  { model: 'gpt-4o', provider: 'openai', input: 1234, output: 321 },
  { model: 'gpt-4o-mini', provider: 'openai', input: 40_000, output: 2_000 },
  { model: 'claude-3-5-sonnet-20241022', provider: 'anthropic', input: 777, output: 99 },
  { model: 'gpt-4o', provider: 'openai', input: 10, output: 5000 },
  { model: 'claude-3-5-haiku-20241022', provider: 'anthropic', input: 5000, output: 500 },
  { model: 'gpt-4o-mini', provider: 'openai', input: 1, output: 1 },
];

function cost(w: (typeof WORKLOAD)[number]): number {
  return calcPrice({ input_tokens: w.input, output_tokens: w.output }, w.model, { providerId: w.provider })!.total_price;
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.abs(b) * 1e-9;
}

describe('collector fleet: three processes and a real Prometheus', () => {
  const collectors: CollectorProcess[] = [];
  let prom: PrometheusServer | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-fleet-'));

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) collectors.push(await spawnCollector(['--store', join(dir, `c${i}.db`)]));
    prom = await startPrometheus(collectors.map((c) => new URL(c.metricsUrl).host));
  });
  afterAll(async () => {
    await prom?.stop();
    for (const c of collectors) await c.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const perInstance = [0, 0, 0];
  const callsPerInstance = [0, 0, 0];

  it('sum(llm_cost_usd_total) in Prometheus equals the cost of the workload sent', async () => {
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < WORKLOAD.length; i++) {
        const w = WORKLOAD[i]!;
        const target = (round * WORKLOAD.length + i) % 3;
        const t = recordedTracer(`fleet-svc-${i % 2}`);
        if (w.provider === 'openai') t.span('chat', genAiChat(w.model, w.input, w.output));
        else t.span('llm', openInferenceLlm(w.model, w.input, w.output));
        t.span('unrelated', { 'http.method': 'GET' });
        expect((await exportSpans(collectors[target]!.otlpUrl, round % 2 === 0 ? 'proto' : 'json', t.finished())).code).toBe(0);
        perInstance[target]! += cost(w);
        callsPerInstance[target]!++;
      }
    }
    const want = perInstance.reduce((a, b) => a + b, 0);
    // Each process reports its share on its own /metrics.
    for (let k = 0; k < 3; k++) expect(close(total(await scrape(collectors[k]!.metricsUrl), 'llm_cost_usd_total'), perInstance[k]!)).toBe(true);

    const deadline = Date.now() + 30_000;
    let got = NaN;
    let byInstance: Array<{ metric: Record<string, string>; value: [number, string] }> = [];
    while (Date.now() < deadline) {
      const sum = await prom!.query('sum(llm_cost_usd_total)');
      byInstance = await prom!.query('sum by (instance) (llm_cost_usd_total)');
      got = sum.length === 1 ? Number(sum[0]!.value[1]) : NaN;
      if (byInstance.length === 3 && close(got, want)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(byInstance).toHaveLength(3);
    expect(close(got, want), `prometheus sum ${got}, workload ${want}`).toBe(true);
    for (let k = 0; k < 3; k++) {
      const host = new URL(collectors[k]!.metricsUrl).host;
      const row = byInstance.find((r) => r.metric.instance === host)!;
      expect(close(Number(row.value[1]), perInstance[k]!)).toBe(true);
    }
    const requests = await prom!.query('sum(llm_requests_total)');
    expect(Number(requests[0]!.value[1])).toBe(WORKLOAD.length * 4);
  });

  it('SIGTERM lets an in-flight request finish, flushes the store and exits 0; a restart reads the state back', async () => {
    const c = collectors[2]!;
    const t = recordedTracer('drain-svc');
    t.span('chat', genAiChat('gpt-4o', 100, 100));
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(t.finished() as never)!);
    const url = new URL(c.otlpUrl);
    const answer = new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write(body.subarray(0, 10));
      // The rest arrives after SIGTERM.
      setTimeout(() => {
        c.terminate();
        setTimeout(() => req.end(body.subarray(10)), 300);
      }, 200);
    });
    expect(await answer).toBe(200);
    expect(await c.stop()).toBe(0);
    expect(c.stdout()).toMatch(/SIGTERM, draining[\s\S]*stopped/);
    expect(existsSync(join(dir, 'c2.db'))).toBe(true);

    const again = await spawnCollector(['--store', join(dir, 'c2.db')]);
    try {
      const rows = (await (await fetch(again.metricsUrl.replace('/metrics', '/api/by-model?hours=24'))).json()) as Array<{ calls: number; costUsd: number }>;
      const calls = rows.reduce((a, r) => a + r.calls, 0);
      const usd = rows.reduce((a, r) => a + r.costUsd, 0);
      const drainCost = calcPrice({ input_tokens: 100, output_tokens: 100 }, 'gpt-4o', { providerId: 'openai' })!.total_price;
      expect(calls).toBe(callsPerInstance[2]! + 1);
      expect(close(usd, perInstance[2]! + drainCost), `stored ${usd}`).toBe(true);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });
});
