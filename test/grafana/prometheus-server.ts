// A real Prometheus for the end-to-end test: own temp data dir, generated config, loopback only.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from './tools.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface PromSample {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}

export interface PrometheusOptions {
  /** host:port of the /metrics endpoints to scrape (job "llm-app"). */
  targets: string[];
  /** Rule files to load (absolute paths). */
  ruleFiles: string[];
  /** Scrape and rule evaluation interval. */
  interval: string;
}

export class PrometheusServer {
  readonly url: string;
  private readonly dir: string;
  private readonly child: ChildProcess;
  private log = '';

  private constructor(url: string, dir: string, child: ChildProcess) {
    this.url = url;
    this.dir = dir;
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
  }

  static async start(options: PrometheusOptions): Promise<PrometheusServer> {
    const bin = requireBinary('prometheus');
    const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-prom-'));
    const config = [
      'global:',
      `  scrape_interval: ${options.interval}`,
      `  evaluation_interval: ${options.interval}`,
      'rule_files:',
      ...options.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`),
      'scrape_configs:',
      '  - job_name: llm-app',
      `    scrape_timeout: ${options.interval}`,
      '    static_configs:',
      `      - targets: [${options.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
      '',
    ].join('\n');
    writeFileSync(join(dir, 'prometheus.yml'), config);
    const port = await freePort();
    const child = spawn(
      bin,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, dir, child);
    await server.waitUntil(async () => (await fetch(`${server.url}/-/ready`)).ok, 'Prometheus to be ready', 30_000);
    return server;
  }

  /** Polls `check` every 200 ms until it returns true; throws after `timeoutMs`. */
  async waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`prometheus exited (${this.child.exitCode}):\n${this.log}`);
      try {
        if (await check()) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${this.log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private async api(path: string, params: Record<string, string>): Promise<unknown> {
    const res = await fetch(`${this.url}${path}?${new URLSearchParams(params).toString()}`);
    const body = (await res.json()) as { status: string; data: unknown; error?: string };
    if (body.status !== 'success') throw new Error(`${path} ${JSON.stringify(params)}: ${body.error}`);
    return body.data;
  }

  async query(expr: string, time: number): Promise<PromSample[]> {
    const data = (await this.api('/api/v1/query', { query: expr, time: String(time) })) as { result: PromSample[] };
    return data.result;
  }

  async queryRange(expr: string, start: number, end: number, step: number): Promise<PromSample[]> {
    const data = (await this.api('/api/v1/query_range', {
      query: expr,
      start: String(start),
      end: String(end),
      step: String(step),
    })) as { result: PromSample[] };
    return data.result;
  }

  async labelValues(label: string, match: string): Promise<string[]> {
    return (await this.api(`/api/v1/label/${label}/values`, { 'match[]': match })) as string[];
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
