import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CALL_COST_USD, nodeSdk, plainCjs, plainEsm, TSCONFIG, typesConsumer } from './app-scripts.js';
import type { PlainMode } from './app-scripts.js';
import { packedApp, sample } from './packed-app.js';
import { readmeSnippet } from './readme-snippets.js';
import type { AppSpec, PackedApp } from './packed-app.js';

/**
 * An app's stderr less the one line pair Node 22 prints when the store falls back to its
 * built-in, still experimental node:sqlite (better-sqlite3 cannot be built for Node 22 here:
 * no Node 22 headers off the registry). Node 20 (better-sqlite3) and Node 24.15+ print nothing.
 */
function appStderr(stderr: string): string {
  return stderr
    .replace(/^\(node:\d+\) ExperimentalWarning: SQLite is an experimental feature[^\n]*\n/m, '')
    .replace(/^\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)\n/m, '');
}

export interface MatrixCell {
  /** e.g. 'Node 20 + SDK 2' */
  label: string;
  /** The app: its packages (without the tarball) and its Node. */
  app: () => Promise<AppSpec>;
  /** Where the trace SDK's SpanProcessor type comes from in this SDK. */
  traceModule: string;
  /** The sdk-metrics major the app must hold exactly one copy of. */
  sdkMetricsMajor: number;
}

const costLine = { gen_ai_request_model: 'gpt-4o', gen_ai_provider_name: 'openai' };

/**
 * The packed package in one cell of the supported-versions matrix: installed by plain
 * `npm install` (no --legacy-peer-deps), used from ESM and CommonJS, with plain providers in
 * every set-up order and with NodeSDK, compiled against by TypeScript, and its bin run.
 */
export function packedAppSuite(cell: MatrixCell): { app: () => PackedApp } {
  let app: PackedApp;

  beforeAll(async () => {
    app = await packedApp(await cell.app());
  }, 60 * 60_000);

  describe(`the packed package: ${cell.label}`, () => {
    it('ships the built code the manifest points at, and no sources', () => {
      const files = app.tarball.files;
      for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/cli/main.js', 'package.json', 'README.md']) {
        expect(files).toContain(f);
      }
      expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    });

    it(`holds one copy of @opentelemetry/sdk-metrics (${cell.sdkMetricsMajor}.x)`, async () => {
      const r = await app.exec('npm', ['ls', '@opentelemetry/sdk-metrics', '--all', '--parseable']);
      const copies = r.stdout.split('\n').filter((l) => l.includes('sdk-metrics'));
      expect(copies).toEqual([join(app.dir, 'node_modules', '@opentelemetry', 'sdk-metrics')]);
      // Read from disk: sdk-metrics 3 does not export its package.json.
      const version = (JSON.parse(readFileSync(join(app.dir, 'node_modules', '@opentelemetry', 'sdk-metrics', 'package.json'), 'utf8')) as { version: string }).version;
      expect(version.split('.')[0]).toBe(String(cell.sdkMetricsMajor));
    });

    it('works from ESM (import) in every set-up order', async () => {
      app.write('plain.mjs', plainEsm());
      for (const mode of ['given', 'global-before', 'global-after'] satisfies PlainMode[]) {
        const r = await app.run(['plain.mjs', mode]);
        expect(appStderr(r.stderr), mode).toBe('');
        expect(sample(r.stdout, 'llm_cost_usd_total', costLine), mode).toBeCloseTo(CALL_COST_USD, 12);
        expect(sample(r.stdout, 'llm_requests_total', { ...costLine, llm_priced: 'true' }), mode).toBe(1);
        const [row, ...more] = JSON.parse(/^# analytics (.*)$/m.exec(r.stdout)![1]!) as [string, number, number][];
        expect(more, mode).toEqual([]);
        expect(row!.slice(0, 2), mode).toEqual(['gpt-4o', 1]);
        expect(row![2], mode).toBeCloseTo(CALL_COST_USD, 12);
      }
    });

    it('works from CommonJS (require)', async () => {
      app.write('plain.cjs', plainCjs());
      const r = await app.run(['plain.cjs']);
      expect(appStderr(r.stderr)).toBe('');
      expect(sample(r.stdout, 'llm_cost_usd_total', costLine)).toBeCloseTo(CALL_COST_USD, 12);
      expect(sample(r.stdout, 'llm_tokens_total', { ...costLine, llm_token_type: 'output' })).toBe(500);
    });

    it('works inside NodeSDK, ESM and CJS (processor built before sdk.start())', async () => {
      for (const [file, format] of [['nodesdk.mjs', 'esm'], ['nodesdk.cjs', 'cjs']] as const) {
        app.write(file, nodeSdk(format));
        const r = await app.run([file]);
        expect(appStderr(r.stderr), file).toBe('');
        expect(sample(r.stdout, 'llm_cost_usd_total', costLine), file).toBeCloseTo(CALL_COST_USD, 12);
      }
    });

    it('has types a strict TypeScript consumer compiles against (ESM and CJS resolution, no skipLibCheck)', async () => {
      app.write('consumer.mts', typesConsumer(cell.traceModule));
      app.write('consumer.cts', typesConsumer(cell.traceModule));
      app.write('tsconfig.json', TSCONFIG);
      const r = await app.run(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
      expect(r.stdout + appStderr(r.stderr)).toBe('');
      expect(r.code).toBe(0);
    });

    it('has the otel-llm-cost/collector subpath (ESM and CJS): starts and stops a collector', async () => {
      const start = `const c = await startCollector({ otlpPort: 0, grpcPort: 'off', metricsPort: 0, pipeline: { store: ':memory:' } });
  console.log(c.otlpUrl, c.metricsUrl);
  await c.close();`;
      app.write('collector.mjs', `import { startCollector } from 'otel-llm-cost/collector';\n${start}\n`);
      app.write('collector.cjs', `const { startCollector } = require('otel-llm-cost/collector');\n(async () => {\n  ${start}\n})();\n`);
      for (const file of ['collector.mjs', 'collector.cjs']) {
        const r = await app.run([file]);
        expect(appStderr(r.stderr), file).toBe('');
        expect(r.stdout, file).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/traces http:\/\/127\.0\.0\.1:\d+\/metrics$/m);
      }
    });

    it('has the otel-llm-cost bin: --version, price', async () => {
      const version = await app.exec('node_modules/.bin/otel-llm-cost', ['--version']);
      const manifest = (await app.run(['-p', "require('otel-llm-cost/package.json').version"])).stdout.trim();
      expect(version.stdout.trim()).toBe(manifest);
      const price = await app.exec('node_modules/.bin/otel-llm-cost', ['price', 'gpt-4o', '--input', '1000', '--output', '500']);
      expect(appStderr(price.stderr)).toBe('');
      expect(price.stdout).toMatch(/^ {2}total +1500 +0\.00750000000000$/m);
    });

    for (const snippet of ['nodesdk', 'plain'] as const) {
      it(`runs the README's ${snippet} snippet as written: exact cost on /metrics, clean exit at SIGTERM with no trace collector`, async () => {
        const [metricsPort, closedPort] = [await freePort(), await freePort()];
        // The one change to the text: a free port instead of 9464 (other tests run at the same
        // time), given in code because exporter-prometheus 0.30x no longer reads
        // OTEL_EXPORTER_PROMETHEUS_PORT.
        const text = readmeSnippet(snippet);
        expect(text).toContain('new PrometheusExporter()');
        app.write(`readme-${snippet}.mjs`, text.replace('new PrometheusExporter()', `new PrometheusExporter({ host: '127.0.0.1', port: ${metricsPort} })`));
        app.write('drive.mjs', DRIVE);
        rmSync(join(app.dir, 'llm-cost.db'), { force: true });
        const r = await app.run(['--import', `./readme-${snippet}.mjs`, 'drive.mjs'], {
          env: {
            OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
            OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
            // Nothing listens there: the trace export fails at shutdown.
            OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closedPort}`,
          },
        });
        expect(r.code, r.stderr).toBe(0);
        expect(sample(r.stdout, 'llm_cost_usd_total', costLine)).toBeCloseTo(CALL_COST_USD, 12);
        expect(r.stdout).toContain('# drive: SIGTERM sent');
      });
    }

    it('runs `otel-llm-cost demo` with the app\'s own trace SDK', async () => {
      const { stdout, metrics } = await runDemo(app);
      const counted = Number(/-> (\d+) LLM calls counted/.exec(stdout)?.[1]);
      expect(counted).toBeGreaterThan(0);
      let requests = 0;
      for (const line of metrics.split('\n')) if (line.startsWith('llm_requests_total{')) requests += Number(line.split(' ').pop());
      expect(requests).toBe(counted);
    });
  });

  return { app: () => app };
}

/** Ends one LLM span through the global API, prints the app's /metrics, then SIGTERMs itself. */
const DRIVE = `import { trace } from '@opentelemetry/api';
trace.getTracer('app').startSpan('chat gpt-4o', { attributes: {
  'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 500,
} }).end();
const url = 'http://127.0.0.1:' + process.env.OTEL_EXPORTER_PROMETHEUS_PORT + '/metrics';
let text;
for (let i = 0; text === undefined; i++) {
  try { text = await (await fetch(url)).text(); } catch (err) { if (i > 50) throw err; await new Promise((r) => setTimeout(r, 100)); }
}
process.stdout.write(text);
process.stdout.write('# drive: SIGTERM sent\\n');
process.kill(process.pid, 'SIGTERM');
setTimeout(() => { console.error('still running 20 s after SIGTERM'); process.exit(3); }, 20000);
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts the demo on a free port, scrapes /metrics once, stops it with SIGINT. */
async function runDemo(app: PackedApp): Promise<{ stdout: string; metrics: string }> {
  const child = spawn(join(app.dir, 'node_modules', '.bin', 'otel-llm-cost'), ['demo', '--port', '0', '--runs', '3'], {
    cwd: app.dir,
    env: { ...process.env, PATH: `${join(app.node, '..')}:${process.env.PATH ?? ''}` },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo did not start: ${stdout}\n${stderr}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /Prometheus metrics: (http:\/\/\S+\/metrics)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`demo exited (${code}): ${stdout}\n${stderr}`)));
    });
    const metrics = await (await fetch(url)).text();
    expect(appStderr(stderr)).toBe('');
    return { stdout, metrics };
  } finally {
    child.kill('SIGINT');
  }
}
