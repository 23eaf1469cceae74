// Issue 17, point 5: a full disk is visible and loses nothing acknowledged. serve writes its store
// on a real tiny tmpfs; a filler file takes the last byte; spans keep arriving (all answered 200);
// flushes fail: a counter by reason moves, /healthz says degraded with the cause, one log line says
// why. The filler goes, the next flush writes the backlog: exact counts in the store, healthz ok.
// With a small backlog bound, the oldest waiting rows are dropped and counted, exactly.
import { closeSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/sqlite.js';
import { spawnCollector } from '../collector/helpers/processes.js';
import type { CollectorProcess } from '../collector/helpers/processes.js';
import { tinyTmpfs } from './helpers/mounts.js';
import type { Mount } from './helpers/mounts.js';
import { protoTemplate } from './helpers/proto-template.js';
import { post } from './helpers/traffic.js';

const PROTO = { 'content-type': 'application/x-protobuf' };
let mount: Mount | undefined;
let collector: CollectorProcess | undefined;

afterEach(async () => {
  if (collector !== undefined && collector.child.exitCode === null) {
    collector.child.kill('SIGKILL');
    await collector.stop();
  }
  collector = undefined;
  mount?.unmount();
  mount = undefined;
});

/** Writes a file until the file system has no byte left. */
function fill(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096, 1);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return written;
}

function counter(metrics: string, name: string, reason: string): number {
  const m = new RegExp(`^${name}\\{[^}]*reason="${reason}"[^}]*\\} (\\d+)`, 'm').exec(metrics);
  return m === null ? 0 : Number(m[1]);
}

async function health(c: CollectorProcess): Promise<{ code: number; body: { status: string; problems: string[] } }> {
  const r = await fetch(c.metricsUrl.replace(/\/metrics$/, '/healthz'));
  return { code: r.status, body: (await r.json()) as { status: string; problems: string[] } };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function ledgerCalls(store: string): number {
  const db = openSqlite(store, { readOnly: true });
  try {
    return db.prepare('SELECT count(*) AS n FROM ledger').get()!.n as number;
  } finally {
    db.close();
  }
}

async function start(extraYaml = ''): Promise<{ c: CollectorProcess; store: string; filler: string }> {
  mount = tinyTmpfs(4 * 1024 * 1024);
  const store = join(mount.path, 'state.db');
  const config = join(mount.path, 'config.yaml');
  writeFileSync(config, `flush_interval_ms: 250\n${extraYaml}`);
  collector = await spawnCollector(['--config', config, '--store', store, '--grpc-port', 'off']);
  return { c: collector, store, filler: join(mount.path, 'filler') };
}

describe('a full disk under the store', () => {
  it('is counted, reported by /healthz and logged once; once space returns every acknowledged call is in the store', async () => {
    const { c, store, filler } = await start();
    const template = protoTemplate(20);
    let sent = 0;
    const send = async (batches: number): Promise<void> => {
      for (let i = 0; i < batches; i++) {
        expect((await post(c.otlpUrl, template.fresh(), PROTO)).status).toBe(200);
        sent += template.spans;
      }
    };
    await send(5);
    await until('the first calls in the store', async () => (ledgerCalls(store) === 100 ? true : undefined));
    expect(await health(c)).toEqual({ code: 200, body: { status: 'ok', problems: [] } });

    expect(fill(filler)).toBeGreaterThan(0);
    await send(100); // 2,000 calls: far more than the WAL's free pages
    const failing = await until('failed flushes', async () => {
      const text = await (await fetch(c.metricsUrl)).text();
      return counter(text, 'llm_cost_store_write_failures_total', 'disk_full') >= 3 ? text : undefined;
    });
    expect(counter(failing, 'llm_cost_store_write_failures_total', 'io_error')).toBe(0);
    const degraded = await health(c);
    expect(degraded.code).toBe(503);
    expect(degraded.body.status).toBe('degraded');
    expect(degraded.body.problems).toHaveLength(1);
    expect(degraded.body.problems[0]).toMatch(/^store_write_failing: disk_full \(SQLITE_FULL: database or disk is full\) since \S+Z, \d+ failed flushes; 2000 calls waiting \(\d\.\d MiB of 128\.0 MiB\), 0 dropped$/);
    expect(c.stdout().match(/store writes are failing/g)).toHaveLength(1);
    expect(c.stdout()).toMatch(/store writes are failing \(disk_full: SQLITE_FULL: database or disk is full\); \d+ calls wait in memory \(up to 128\.0 MiB, storeBacklogBytes\)/);
    expect(ledgerCalls(store)).toBe(100);

    rmSync(filler);
    const freedAt = Date.now();
    await until('healthz ok again', async () => ((await health(c)).code === 200 ? true : undefined));
    console.log(`disk full: ${counter(failing, 'llm_cost_store_write_failures_total', 'disk_full')}+ failed flushes; healthz ok ${Date.now() - freedAt} ms after space returned`);
    expect(await health(c)).toEqual({ code: 200, body: { status: 'ok', problems: [] } });
    expect(c.stdout()).toMatch(/store writes recovered after \d+ failed flushes over \d+ s; 2000 waiting calls written/);
    expect(ledgerCalls(store)).toBe(sent);
    const failures = counter(await (await fetch(c.metricsUrl)).text(), 'llm_cost_store_write_failures_total', 'disk_full');
    await send(5);
    await until('the last calls in the store', async () => (ledgerCalls(store) === sent ? true : undefined));
    const after = await (await fetch(c.metricsUrl)).text();
    expect(counter(after, 'llm_cost_store_write_failures_total', 'disk_full')).toBe(failures);
    expect(counter(after, 'llm_cost_spans_dropped_total', 'store_backlog_full')).toBe(0);
    expect(await c.stop()).toBe(0);
    expect(ledgerCalls(store)).toBe(sent);
    expect(sent).toBe(2200);
  });

  it('past store_backlog_bytes the oldest waiting calls are dropped and counted: stored + dropped = sent', async () => {
    const { c, store, filler } = await start('store_backlog_bytes: 200000\n');
    const template = protoTemplate(20);
    expect(fill(filler)).toBeGreaterThan(0);
    for (let i = 0; i < 100; i++) expect((await post(c.otlpUrl, template.fresh(), PROTO)).status).toBe(200);
    const text = await until('drops', async () => {
      const t = await (await fetch(c.metricsUrl)).text();
      return counter(t, 'llm_cost_store_write_failures_total', 'disk_full') >= 1 ? t : undefined;
    });
    const dropped = counter(text, 'llm_cost_spans_dropped_total', 'store_backlog_full');
    // ~490 bytes a waiting row (rowBytes): 200,000 bytes hold ~400 of the 2,000 calls.
    expect(dropped).toBeGreaterThan(1500);
    expect(dropped).toBeLessThan(1700);
    expect((await health(c)).body.problems[0]).toContain(`calls waiting (0.2 MiB of 0.2 MiB), ${dropped} dropped`);
    expect(c.stdout().match(/the store backlog reached its bound/g)).toHaveLength(1);

    rmSync(filler);
    await until('healthz ok again', async () => ((await health(c)).code === 200 ? true : undefined));
    expect(await c.stop()).toBe(0);
    const stored = ledgerCalls(store);
    console.log(`backlog bound 200000 bytes: ${stored} calls stored + ${dropped} dropped = 2000 sent`);
    expect(stored + dropped).toBe(2000);
  });
});
