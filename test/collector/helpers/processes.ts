// Child processes for the end-to-end tests: collectors spawned from the built CLI and a
// real Prometheus server with its own data directory and a generated scrape config.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CLI = resolve(__dirname, '../../../dist/cli/main.js');

export interface CollectorProcess {
  child: ChildProcess;
  otlpUrl: string;
  /** undefined when started with --grpc-port off. */
  grpcUrl: string | undefined;
  metricsUrl: string;
  stdout(): string;
  /** Sends SIGTERM once. */
  terminate(): void;
  /** Sends SIGTERM (unless already sent) and resolves to the exit code. */
  stop(): Promise<number | null>;
}

export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does it in pretest)`);
}

/** `ports` come first on the command line (later flags win); the default picks free ports. */
export async function spawnCollector(args: string[], env: NodeJS.ProcessEnv = {}, ports = ['--otlp-port', '0', '--grpc-port', '0', '--metrics-port', '0']): Promise<CollectorProcess> {
  requireBuiltCli();
  const child = spawn(process.execPath, [CLI, 'serve', ...ports, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  let signalled = false;
  const terminate = (): void => {
    if (signalled || child.exitCode !== null) return;
    signalled = true;
    child.kill('SIGTERM');
  };
  const urls = await new Promise<[string, string]>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`collector did not start in 20 s: ${out}${err}`)), 20_000);
    const check = (): void => {
      const m = /traces on (\S+), metrics on (\S+?)[\s,(]/.exec(out);
      if (m) {
        clearTimeout(timer);
        res([m[1]!, m[2]!]);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => rej(new Error(`collector exited with ${code}: ${out}${err}`)));
  });
  return {
    child,
    otlpUrl: urls[0],
    grpcUrl: /OTLP\/gRPC traces on (\S+),/.exec(out)?.[1],
    metricsUrl: urls[1],
    stdout: () => out + err,
    terminate,
    stop: async () => {
      terminate();
      return exited;
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

export interface PrometheusServer {
  url: string;
  query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  stop(): Promise<void>;
}

const INSTALL_HINT = 'install the Debian package: `apt-get install -y prometheus` (provides /usr/bin/prometheus and promtool)';

export async function startPrometheus(targets: string[]): Promise<PrometheusServer> {
  const which = spawnSync('prometheus', ['--version']);
  if (which.error !== undefined || which.status !== 0) throw new Error(`the prometheus binary is not on PATH: ${INSTALL_HINT}`);
  const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-prom-'));
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: otel-llm-cost',
    '    static_configs:',
    `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const child = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).status === 200) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`prometheus did not become ready: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async query(promql) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      if (body.status !== 'success') throw new Error(`query ${promql} failed: ${JSON.stringify(body)}`);
      return body.data.result;
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
