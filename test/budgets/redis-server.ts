// A real redis-server for the shared-budget tests: own temp dir, loopback, a free port, AOF on
// (fsync always) so a stop and restart keeps the fleet totals, as a production Redis would.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

const INSTALL_HINT = 'install it with `apt-get install redis-server` (Debian/Ubuntu), or put redis-server on PATH';

async function freePort(): Promise<number> {
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

export class RedisServer {
  readonly port: number;
  readonly url: string;
  private readonly dir: string;
  private child: ChildProcess | undefined;
  private log = '';

  private constructor(port: number, dir: string) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}/0`;
    this.dir = dir;
  }

  static async start(): Promise<RedisServer> {
    const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
    if (probe.error !== undefined || probe.status !== 0) throw new Error(`redis-server was not found: ${INSTALL_HINT}`);
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'otel-llm-cost-redis-')));
    await server.restart();
    return server;
  }

  /** Starts (again) on the same port and data directory. */
  async restart(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    this.child = child;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const client = this.client();
      try {
        await client.connect();
        if ((await client.ping()) === 'PONG') return;
      } catch {
        // not up yet
      } finally {
        client.disconnect();
      }
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${this.port}:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the server (SIGTERM: the AOF is complete) and waits for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** A fresh client for inspecting the server (the caller disconnects it). */
  client(): Redis {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {}); // connect() rejects with it
    return client;
  }

  /** Calls of each command since start or the last reset (INFO commandstats). */
  async commandCalls(): Promise<Map<string, number>> {
    const client = this.client();
    await client.connect();
    try {
      const info = await client.info('commandstats');
      const out = new Map<string, number>();
      for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1]!, Number(m[2]));
      return out;
    } finally {
      client.disconnect();
    }
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
