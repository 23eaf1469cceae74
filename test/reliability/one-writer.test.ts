// Issue 17, point 4: one store file, one writer. A second writer (another process, or another
// engine in the same process) is refused at start, naming the file and the holder; readers
// still read while the writer runs; the lock goes with the writer, on close and on kill -9.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNoopMeter } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CostAnalytics } from '../../src/analytics/engine.js';
import type { CostAnalyticsOptions } from '../../src/analytics/engine.js';
import { LlmCostSpanProcessor } from '../../src/index.js';
import { StoreError } from '../../src/store/store-error.js';
import { pricedCall } from '../analytics/factory.js';
import { CLI, spawnCollector } from '../collector/helpers/processes.js';
import type { CollectorProcess } from '../collector/helpers/processes.js';
import { protoTemplate } from './helpers/proto-template.js';
import { post } from './helpers/traffic.js';
import { thrown } from '../helpers/thrown.js';

const PROTO = { 'content-type': 'application/x-protobuf' };
let dir: string;
let store: string;
const running: CollectorProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-cost-writer-'));
  store = join(dir, 'state.db');
});
afterEach(async () => {
  for (const c of running.splice(0)) {
    c.child.kill('SIGKILL');
    await c.stop();
  }
  rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

async function serve(path = store): Promise<CollectorProcess> {
  const c = await spawnCollector(['--store', path, '--grpc-port', 'off']);
  running.push(c);
  return c;
}

function engine(opts: Partial<CostAnalyticsOptions> = {}): CostAnalytics {
  return CostAnalytics.open({ store, clock: Date.now, budgets: [], timezone: 'UTC', flushIntervalMs: 0, meter: createNoopMeter(), ...opts });
}

function storeError(fn: () => unknown): StoreError {
  return thrown(fn, StoreError);
}

/** Polls `report` until it prints `text` (the writer flushes every second). */
async function reportShows(text: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = cli('report', '--store', store, '--days', '1');
    if (r.status === 0 && r.out.includes(text)) return r.out;
    if (Date.now() > deadline) throw new Error(`report never showed ${JSON.stringify(text)}; last: ${r.status} ${r.out}`);
    await new Promise((res) => setTimeout(res, 300));
  }
}

describe('two processes on one store file', () => {
  it('the second serve exits 2 naming the file and the holder (pid, host); the first keeps serving and report reads alongside', async () => {
    const first = await serve();
    const template = protoTemplate(20);
    expect((await post(first.otlpUrl, template.fresh(), PROTO)).status).toBe(200);

    const second = cli('serve', '--otlp-port', '0', '--grpc-port', 'off', '--metrics-port', '0', '--store', store);
    expect(second.status).toBe(2);
    expect(second.out).toMatch(new RegExp(
      `cannot open store "${store}": another process \\(pid ${first.child.pid} on this host, writing since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\) `
      + `is writing to it \\(lock file "${store}\\.lock"\\)\\. A store file has one writer: stop that process, or give this one a store of its own`));
    expect(second.out).toContain(`otel-llm-cost report --store ${store}`);
    expect(second.out).not.toMatch(/\n\s+at /);

    // The holder is untouched: it still accepts, and a reader sees every call it was sent.
    expect((await post(first.otlpUrl, template.fresh(), PROTO)).status).toBe(200);
    expect(await reportShows('over 40 calls')).toContain('gpt-4o-mini');
    expect(await first.stop()).toBe(0);
  });

  it('the lock goes with the holder: after a clean stop and after kill -9, a new writer starts and keeps what was flushed', async () => {
    const template = protoTemplate(10);
    const a = await serve();
    expect((await post(a.otlpUrl, template.fresh(), PROTO)).status).toBe(200);
    expect(await a.stop()).toBe(0);

    const b = await serve();
    expect((await post(b.otlpUrl, template.fresh(), PROTO)).status).toBe(200);
    await reportShows('over 20 calls');
    b.child.kill('SIGKILL');
    expect(await b.stop()).toBe(null);

    const c = await serve();
    expect((await post(c.otlpUrl, template.fresh(), PROTO)).status).toBe(200);
    expect(await c.stop()).toBe(0);
    await reportShows('over 30 calls');
  });
});

describe('two writers in one process', () => {
  it('a second engine on the file is refused, a readOnly one reads, and after close a new writer opens', async () => {
    const a = engine();
    a.record(pricedCall({ at: Date.now() - 1000, sessionId: 's1', costUsd: 0.25 }));
    await a.flush();

    const e = storeError(() => engine());
    expect(e.message).toBe(`otel-llm-cost: cannot open store ${JSON.stringify(store)}: this process (pid ${process.pid}) already writes to it through another engine or processor. `
      + 'A store file has one writer: share that processor, or close it first; to read the store alongside it, open it with readOnly: true. The file was not modified');

    const reader = engine({ readOnly: true });
    expect(reader.analytics.session('s1')).toMatchObject({ calls: 1, costUsd: 0.25 });
    await reader.close();

    await a.close();
    const b = engine();
    expect(b.analytics.session('s1')).toMatchObject({ calls: 1, costUsd: 0.25 });
    await b.close();
  });

  it('two processors on one store: the second throws at construction; the first keeps working', async () => {
    const first = new LlmCostSpanProcessor({ store });
    expect(() => new LlmCostSpanProcessor({ store })).toThrow(/this process \(pid \d+\) already writes to it/);
    await first.shutdown();
    const again = new LlmCostSpanProcessor({ store });
    await again.shutdown();
  });

  it('the same file by another spelling (a symlinked directory, a relative path) is the same file', async () => {
    const real = join(dir, 'real');
    mkdirSync(real);
    symlinkSync(real, join(dir, 'link'));
    const a = engine({ store: join(real, 'x.db') });
    expect(storeError(() => engine({ store: join(dir, 'link', 'x.db') })).message).toMatch(/already writes to it/);
    const relative = join(real, '.', '..', 'real', 'x.db');
    expect(storeError(() => engine({ store: relative })).message).toMatch(/already writes to it/);
    await a.close();
  });

  it(':memory: stores take no lock', async () => {
    const a = engine({ store: ':memory:' });
    const b = engine({ store: ':memory:' });
    await a.close();
    await b.close();
  });
});
