// Three replicas (child processes, each a real tracer provider with the span processor)
// spending against one block budget on a real redis-server.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from './redis-server.js';

const REPLICA = join(__dirname, 'fixtures', 'replica.mjs');
const BUILT = join(__dirname, '..', '..', 'dist', 'index.js');

interface ReplicaConfig {
  url: string;
  prefix: string;
  limitUsd: number;
  syncMs: number;
  /** Pause between calls (ms). */
  intervalMs: number;
  /** Stop calling this long after the first refusal (ms); -1: never stop on refusal. */
  afterBlockedMs: number;
  /** Stop after this long in any case (ms). */
  durationMs: number;
}
const MICROS_PER_CALL = 1000; // $0.001

interface Line {
  t: 'ready' | 'call' | 'blocked' | 'event' | 'done';
  at?: number;
  level?: string;
  spent?: number;
  maxGapMs?: number;
  maxCheckMs?: number;
  state?: string;
}

class Replica {
  readonly lines: Line[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private partial = '';
  private stderr = '';

  constructor(config: ReplicaConfig) {
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first (npm test does it in pretest)`);
    this.child = spawn(process.execPath, [REPLICA], {
      env: { ...process.env, FLEET_REPLICA: JSON.stringify(config) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => {
      const text = this.partial + d.toString();
      const parts = text.split('\n');
      this.partial = parts.pop()!;
      for (const p of parts) this.lines.push(JSON.parse(p) as Line);
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  of(t: Line['t']): Line[] {
    return this.lines.filter((l) => l.t === t);
  }

  calls(): number {
    return this.of('call').length;
  }

  async ready(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (this.of('ready').length === 0) {
      if (Date.now() > deadline) throw new Error(`replica did not start: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  go(): void {
    this.child.stdin!.end('go\n');
  }

  /** Resolves once this replica has made `n` calls (start-up pace varies a lot on a busy host). */
  async calledAtLeast(n: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (this.calls() < n) {
      if (Date.now() > deadline) throw new Error(`replica made ${this.calls()} calls in 30 s: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  kill9(): void {
    this.child.kill('SIGKILL');
  }

  async finished(): Promise<Line> {
    const code = await this.exited;
    const done = this.of('done')[0];
    if (code !== 0 || done === undefined) throw new Error(`replica exited with ${code}: ${this.stderr}`);
    return done;
  }
}

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.dispose();
});

async function fleetMicros(prefix: string): Promise<number> {
  const c = redis.client();
  await c.connect();
  try {
    const keys = (await c.keys(`${prefix}budget:fleet:*:day:*`)).filter((k) => !k.includes(':event:'));
    expect(keys.length).toBe(1);
    return Number(await c.get(keys[0]!));
  } finally {
    c.disconnect();
  }
}

describe('a fleet of three replicas on one Redis', () => {
  it('spends to one block budget: exact fleet total, every replica refuses within 2 x budgetSyncMs, each event once', async () => {
    const syncMs = 100;
    const config: ReplicaConfig = { url: redis.url, prefix: 'run1:', limitUsd: 1.5, syncMs, intervalMs: 2, afterBlockedMs: 600, durationMs: 30_000 };
    const replicas = [new Replica(config), new Replica(config), new Replica(config)];
    await Promise.all(replicas.map((r) => r.ready()));
    for (const r of replicas) r.go();
    const done = await Promise.all(replicas.map((r) => r.finished()));
    const calls = replicas.reduce((sum, r) => sum + r.calls(), 0);
    // Every call the replicas made is in the fleet total, once.
    expect(await fleetMicros('run1:')).toBe(calls * MICROS_PER_CALL);
    // The moment the fleet's spend reached the limit, from every call's time.
    const times = replicas.flatMap((r) => r.of('call').map((l) => l.at!)).sort((a, b) => a - b);
    const limitCalls = 1.5 / 0.001;
    expect(times.length).toBeGreaterThan(limitCalls);
    const reachedAt = times[limitCalls - 1]!;
    for (const r of replicas) {
      const blocked = r.of('blocked')[0];
      expect(blocked, 'every replica refuses').toBeDefined();
      // Stated bound: 2 x budgetSyncMs after the fleet reached the limit (plus one round trip
      // and timer latency on a loaded machine).
      expect(blocked!.at! - reachedAt).toBeLessThanOrEqual(2 * syncMs + 100);
      expect(blocked!.spent!).toBeGreaterThanOrEqual(1.5);
    }
    // Overspend: what the fleet spent after the limit, within the same bound.
    const over = times.filter((t) => t > reachedAt);
    expect(over.every((t) => t - reachedAt <= 2 * syncMs + 100)).toBe(true);
    console.info(`fleet run: ${calls} calls, limit reached after ${limitCalls}; over by ${over.length} calls; refusals ${replicas.map((r) => r.of('blocked')[0]!.at! - reachedAt).join(', ')} ms after the limit`);
    const events = replicas.flatMap((r) => r.of('event').map((l) => l.level)).sort();
    expect(events).toEqual(['exceeded', 'warning']);
    for (const d of done) expect(d.state).toContain('llm_budget_store_state="up"');
  }, 120_000);

  it('kill -9 of one replica and a 10 s Redis outage: nothing counted twice, loss bounded, nobody blocked', async () => {
    const syncMs = 100;
    const config: ReplicaConfig = { url: redis.url, prefix: 'run2:', limitUsd: 1000, syncMs, intervalMs: 5, afterBlockedMs: -1, durationMs: 20_000 };
    const [a, b, c] = [new Replica(config), new Replica(config), new Replica(config)];
    await Promise.all([a, b, c].map((r) => r.ready()));
    for (const r of [a, b, c]) r.go();
    await Promise.all([a, b, c].map((r) => r.calledAtLeast(200)));
    c.kill9();
    const killedAt = Date.now();
    await c.exited;
    await new Promise((r) => setTimeout(r, 300));
    const before = { calls: a.calls(), at: Date.now() };
    await redis.stop();
    const outage = { from: Date.now(), to: 0 };
    await new Promise((r) => setTimeout(r, 10_000));
    await redis.restart();
    outage.to = Date.now();
    const [doneA, doneB] = await Promise.all([a.finished(), b.finished()]);
    const total = await fleetMicros('run2:');
    const ab = (a.calls() + b.calls()) * MICROS_PER_CALL;
    // A and B shut down cleanly: all of their spend is in, once, outage included.
    const pushedByC = total - ab;
    const cCalls = c.calls() * MICROS_PER_CALL;
    expect(pushedByC).toBeLessThanOrEqual(cCalls);
    // Documented loss on kill -9: at most what the replica spent in its last 2 x budgetSyncMs
    // of activity (owed since its last sync, plus the batch in flight).
    const cLast = c.of('call').at(-1)!.at!;
    expect(cLast).toBeLessThanOrEqual(killedAt);
    const cRecent = c.of('call').filter((l) => l.at! > cLast - 2 * syncMs).length * MICROS_PER_CALL;
    expect(cCalls - pushedByC).toBeLessThanOrEqual(cRecent);
    // The outage did not slow the survivors: A kept its pace (at least half its rate before).
    const firstCall = a.of('call')[0]!.at!;
    const rateBefore = before.calls / (before.at - firstCall);
    const duringOutage = a.of('call').filter((l) => l.at! > outage.from && l.at! < outage.to).length;
    expect(duringOutage).toBeGreaterThan(rateBefore * (outage.to - outage.from) * 0.5);
    // check() is synchronous (it cannot wait on the network); the loops never stalled for
    // anything like a command timeout (1 s) or the outage.
    for (const [r, d] of [[a, doneA], [b, doneB]] as const) {
      expect(d.maxGapMs!).toBeLessThan(500);
      expect(d.state).toContain('llm_budget_store_state="up"');
      expect(d.spent! * 1e6).toBeGreaterThanOrEqual(r.calls() * MICROS_PER_CALL - 1e-3);
      expect(d.spent! * 1e6).toBeLessThanOrEqual(total + 1e-3);
    }
    console.info(`outage run: C lost ${(cCalls - pushedByC) / MICROS_PER_CALL} of ${c.calls()} calls on kill -9; A/B max loop gap ${doneA.maxGapMs!.toFixed(1)}/${doneB.maxGapMs!.toFixed(1)} ms, max check() ${doneA.maxCheckMs!.toFixed(2)}/${doneB.maxCheckMs!.toFixed(2)} ms; A called ${duringOutage} times during the outage`);
    expect(a.of('blocked')).toEqual([]);
    expect(b.of('blocked')).toEqual([]);
  }, 120_000);
});
