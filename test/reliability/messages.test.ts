// Issue 17, point 8: each outcome that used to mislead (a healthy store called corrupt, exit 1
// where the docs say 2, -wal/-shm files made beside a refused store, "got null" for NaN, a 500
// and a stack trace for a bad percent-escape, ids accepted as dimensions) now says what is wrong
// and how to fix it. Through the built CLI, as a user meets them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNoopMeter } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CostAnalytics } from '../../src/analytics/engine.js';
import { validateOptions } from '../../src/options-validate.js';
import { SCHEMA_VERSION } from '../../src/store/schema.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { pricedCall } from '../analytics/factory.js';
import { CLI, requireBuiltCli, spawnCollector } from '../collector/helpers/processes.js';
import { configError } from '../helpers/config-error.js';
import { readOnlyView } from './helpers/mounts.js';
import type { Mount } from './helpers/mounts.js';

let dir: string;
let mounts: Mount[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-cost-msg-'));
});
afterEach(() => {
  for (const m of mounts) m.unmount();
  mounts = [];
  rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]): { status: number | null; out: string } {
  requireBuiltCli();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** serve with every port free, as a user would start it; only for starts that must fail. */
function serve(...args: string[]): { status: number | null; out: string } {
  return cli('serve', '--otlp-port', '0', '--grpc-port', '0', '--metrics-port', '0', ...args);
}

/** A healthy store with `calls` calls, closed cleanly (WAL mode, no -wal/-shm left; its writer lock file stays). */
async function healthyStore(path: string, calls = 50): Promise<void> {
  const e = CostAnalytics.open({ store: path, clock: Date.now, budgets: [], timezone: 'UTC', flushIntervalMs: 0, meter: createNoopMeter() });
  for (let i = 0; i < calls; i++) e.record(pricedCall({ at: Date.now() - i * 1000, sessionId: `s${i}` }));
  await e.close();
}

describe('a healthy store in a read-only directory', () => {
  it('is said to be in a directory that is not writable, with the fix; never "corrupt"', async () => {
    await healthyStore(join(dir, 'cost.db'));
    const ro = readOnlyView(dir);
    mounts.push(ro);
    const store = join(ro.path, 'cost.db');
    const bytes = readFileSync(store);

    const r = serve('--store', store);
    expect(r.status).toBe(2);
    expect(r.out).toContain(`cannot open store ${JSON.stringify(store)}: the directory ${JSON.stringify(ro.path)} is not writable (it is on a read-only file system)`);
    expect(r.out).toContain('remount it read-write');
    expect(r.out).toContain(`otel-llm-cost report --store ${store}`);
    expect(r.out).not.toMatch(/corrupt|backup/i);
    expect(r.out).not.toMatch(/\n\s+at /);
    expect(readFileSync(store).equals(bytes)).toBe(true);
    expect(readdirSync(ro.path).sort()).toEqual(['cost.db', 'cost.db.lock']);

    // report only reads, yet SQLite needs a -shm file beside a WAL store: it says so, not "corrupt".
    const rep = cli('report', '--store', store);
    expect(rep.status).toBe(2);
    expect(rep.out).toContain('SQLite cannot read it here');
    expect(rep.out).toContain('-shm files beside it, or a writable directory');
    expect(rep.out).not.toMatch(/corrupt|backup/i);
  });
});

describe('refused store files', () => {
  /** Serve and report both refuse `path` with exit 2 and `pattern`; the directory is left exactly as it was. */
  function expectRefusedUntouched(path: string, pattern: RegExp): void {
    const bytes = readFileSync(path);
    const files = readdirSync(dir).sort();
    for (const r of [serve('--store', path), cli('report', '--store', path)]) {
      expect(r.out).toMatch(pattern);
      expect(r.out).toContain('the file was not modified');
      expect(r.out).not.toMatch(/\n\s+at /);
      expect(r.status).toBe(2);
      expect(readFileSync(path).equals(bytes)).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(files);
    }
  }

  it('garbage bytes: exit 2, as the docs say for a store that cannot be used', () => {
    const path = join(dir, 'cost.db');
    writeFileSync(path, Buffer.from('not a database\n'.repeat(500)));
    expectRefusedUntouched(path, /is not a SQLite database/);
  });

  it('a WAL store with corrupted pages gets no -wal or -shm file and keeps its bytes', async () => {
    const path = join(dir, 'cost.db');
    await healthyStore(path, 3000);
    const bytes = readFileSync(path);
    expect(bytes[18]).toBe(2); // WAL mode: the case where a read-only open would create -wal/-shm
    for (let i = 4096 * 2; i < bytes.length; i += 97) bytes[i] = 0x5a;
    writeFileSync(path, bytes);
    expect(readdirSync(dir).sort()).toEqual(['cost.db', 'cost.db.lock']);
    expectRefusedUntouched(path, /the database is corrupt/);
  });

  it.each([
    ['newer', SCHEMA_VERSION + 1, /newer than this otel-llm-cost/],
    ['older', SCHEMA_VERSION - 1, /written by an earlier, unreleased build/],
  ])('a WAL store of a %s schema gets no -wal or -shm file and keeps its bytes', async (_kind, version, pattern) => {
    const path = join(dir, 'cost.db');
    await healthyStore(path);
    const db = openSqlite(path);
    db.exec(`PRAGMA user_version = ${version}`);
    db.close();
    expect(readFileSync(path)[18]).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['cost.db', 'cost.db.lock']);
    expectRefusedUntouched(path, pattern);
  });

  it('report on a missing store exits 2 and names the flag', () => {
    const r = cli('report', '--store', join(dir, 'missing.db'));
    expect(r.status).toBe(2);
    expect(r.out).toContain('no store exists at this path. Pass --store with the path the collector or app writes to');
  });
});

describe('non-finite numbers in config', () => {
  it.each([
    ['.nan', 'NaN'],
    ['.inf', 'Infinity'],
    ['-.inf', '-Infinity'],
  ])('a budget limit of %s is reported as %s, not null', (yaml, shown) => {
    const config = join(dir, 'config.yaml');
    writeFileSync(config, `budgets:\n  - name: monthly\n    limit_usd: ${yaml}\n    period: month\n`);
    const r = serve('--config', config, '--store', ':memory:');
    expect(r.status).toBe(2);
    expect(r.out).toContain(`invalid configuration at \`budgets[0].limitUsd\`: expected a positive number of USD, got ${shown}. Fix: set limitUsd`);
    expect(r.out).not.toContain('got null');
  });

  it('warn_at with NaN shows it in the list', () => {
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'budgets:\n  - name: monthly\n    limit_usd: 10\n    period: month\n    warn_at: [0.5, .nan]\n');
    const r = serve('--config', config, '--store', ':memory:');
    expect(r.status).toBe(2);
    expect(r.out).toContain('expected fractions in (0, 1], got [0.5,NaN]');
  });
});

describe('bad percent-encoding on /api', () => {
  const ROUTES = ['/api/summary', '/api/by-model', '/api/daily', '/api/daily-by', '/api/usage', '/api/top-sessions',
    '/api/top-users', '/api/trend', '/api/budgets', '/api/breakdown'];

  it('answers 400 with a clear body on every route and logs no stack trace', async () => {
    const c = await spawnCollector(['--store', join(dir, 'cost.db'), '--grpc-port', 'off']);
    const base = c.metricsUrl.replace(/\/metrics$/, '');
    try {
      // The list is every route: each answers 200 with good parameters.
      for (const route of ROUTES) expect((await fetch(`${base}${route}`)).status, route).toBe(200);
      expect((await fetch(`${base}/api/session/${encodeURIComponent('ok id/é')}`)).status).toBe(404);

      const session = await fetch(`${base}/api/session/%E0%A4%A`);
      expect(session.status).toBe(400);
      expect(await session.json()).toEqual({ error: 'bad percent-encoding in "%E0%A4%A": not UTF-8 percent-encoded; encode ids and parameters with encodeURIComponent' });
      for (const route of ROUTES) {
        for (const query of ['?session=%E0%A4%A', '?x=%ZZ', '?%C0=1']) {
          const r = await fetch(`${base}${route}${query}`);
          expect(r.status, `${route}${query}`).toBe(400);
          expect(((await r.json()) as { error: string }).error).toMatch(/^bad percent-encoding in "%/);
        }
      }
    } finally {
      expect(await c.stop()).toBe(0);
    }
    expect(c.stdout()).not.toMatch(/URIError|internal error|\n\s+at /);
  });
});

describe('id-like dimensions are refused by the shape of their name', () => {
  it.each([
    ['request_uuid', 'uuid', /ledger/],
    ['request.id', 'id', /ledger/],
    ['trace_id', 'id', /ledger/],
    ['order-guid', 'guid', /ledger/],
    ['id', 'id', /ledger/],
    ['user.id', 'id', /topUsers\(\)/],
    ['enduser.id', 'id', /topUsers\(\)/],
    ['app.userId', 'Id', /topUsers\(\)/],
    ['session.id', 'id', /topSessions\(\)/],
    ['chat.thread_id', 'id', /topSessions\(\)/],
    ['ai.telemetry.metadata.sessionId', 'Id', /topSessions\(\)/],
    ['gen_ai.conversation.id', 'id', /topSessions\(\)/],
  ])('%s (ends in "%s")', (name, word, where) => {
    const e = configError(() => validateOptions({ dimensions: ['gen_ai.agent.name', name] }));
    expect(e.field).toBe('dimensions[1]');
    expect(e.message).toContain(`${name} looks like an id (its name ends in "${word}")`);
    expect(e.message).toMatch(/unbounded metric series/);
    expect(e.fix).toMatch(/^remove it from dimensions/);
    expect(e.fix).toMatch(where);
  });

  it('free text is refused too', () => {
    expect(configError(() => validateOptions({ dimensions: ['gen_ai.prompt'] })).message).toMatch(/free text/);
  });

  it('bounded names are kept, including ones that merely contain "id"', () => {
    const dims = ['gen_ai.agent.name', 'deployment.environment', 'team', 'android.version', 'paid', 'tenant', 'gen_ai.request.model'];
    expect(validateOptions({ dimensions: dims }).dimensions).toEqual(dims);
  });

  it('serve refuses request_uuid at start naming the field and the fix, and starts with legit dimensions', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'dimensions: [gen_ai.agent.name, request_uuid]\n');
    const r = serve('--config', bad, '--store', ':memory:');
    expect(r.status).toBe(2);
    expect(r.out).toContain('invalid configuration at `dimensions[1]`: request_uuid looks like an id (its name ends in "uuid")');
    expect(r.out).toContain('Fix: remove it from dimensions');

    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'dimensions: [gen_ai.agent.name, deployment.environment]\n');
    const c = await spawnCollector(['--config', good, '--store', ':memory:', '--grpc-port', 'off']);
    expect(await c.stop()).toBe(0);
  });
});
