import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNoopMeter } from '@opentelemetry/api';
import { CostAnalytics } from '../../src/analytics/engine.js';
import { validateBudgets } from '../../src/analytics/budget-config.js';
import { mulberry32 } from '../helpers/forecast-eval.js';
import { CostStore } from '../../src/store/cost-store.js';
import { openDatabase } from '../../src/store/open-database.js';
import type { HeavyHitter } from '../../src/store/rows.js';
import { openSqlite } from '../../src/store/sqlite.js';

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'llm-cost-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run { lastRecorded: number; lastFlushed: number; flushes: number }

/** Starts the writer, SIGKILLs it `delayMs` after its first committed flush. */
function runAndKill(store: string, delayMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, store, '25'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const run: Run = { lastRecorded: 0, lastFlushed: -1, flushes: 0 };
    let buf = '';
    let stderr = '';
    let armed = false;
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      for (const line of parts) {
        const [kind, n] = line.split(' ');
        if (kind === 'R') run.lastRecorded = Number(n);
        else if (kind === 'F') {
          run.lastFlushed = Number(n);
          run.flushes++;
          if (!armed) {
            armed = true;
            setTimeout(() => child.kill('SIGKILL'), delayMs);
          }
        } else if (kind === 'E') reject(new Error(`writer flush failed: ${line}`));
      }
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code ?? signal}: ${stderr}`));
      else resolve(run);
    });
  });
}

/** Sum of calls and weights of a stored sketch (the writer has 13 users: all in the sketch). */
function sketchTotals(row: { entries: string }): { n: number; c: number } {
  const entries = JSON.parse(row.entries) as HeavyHitter[];
  return { n: entries.reduce((s, e) => s + e.calls, 0), c: entries.reduce((s, e) => s + e.weight, 0) };
}

/** Totals of the writer's sessions (s0 .. s996) as the store answers them. */
function sessionTotals(store: string): { n: number; c: number } {
  const s = new CostStore(openDatabase(store, { readOnly: true }), true);
  try {
    const totals = [...s.sessionTotals(Array.from({ length: 997 }, (_, i) => `s${i}`)).values()];
    return { n: totals.reduce((a, t) => a + t.calls, 0), c: totals.reduce((a, t) => a + t.costUsd, 0) };
  } finally {
    s.close();
  }
}

function storeTotals(store: string) {
  const db = openSqlite(store, { readOnly: true });
  try {
    const one = (sql: string) => db.prepare(sql).get() as { n: number; c: number };
    return {
      ledger: one('SELECT count(*) AS n, SUM(cost_usd) AS c FROM ledger'),
      day: one("SELECT SUM(calls) AS n, SUM(cost_usd) AS c FROM rollup WHERE res = 'd'"),
      hour: one("SELECT SUM(calls) AS n, SUM(cost_usd) AS c FROM rollup WHERE res = 'h'"),
      minute: one("SELECT SUM(calls) AS n, SUM(cost_usd) AS c FROM rollup WHERE res = 'm'"),
      budget: one("SELECT 0 AS n, SUM(spent) AS c FROM budget_spend WHERE res = 'd'"),
      sessions: sessionTotals(store),
      users: sketchTotals(db.prepare("SELECT entries FROM sketch WHERE kind = 'user'").get() as { entries: string }),
    };
  } finally {
    db.close();
  }
}

describe('kill -9 during writes', () => {
  it('20 kills: the store always reopens, totals agree, and at most one flush interval is lost', async () => {
    const store = join(dir, 'crash.db');
    const rand = mulberry32(11);
    let persisted = 0;
    for (let i = 0; i < 20; i++) {
      const run = await runAndKill(store, 5 + Math.floor(rand() * 150));
      const t = storeTotals(store);
      const thisRun = t.ledger.n - persisted;
      // Nothing committed is lost; what is lost is only what was recorded after the last commit.
      expect(thisRun).toBeGreaterThanOrEqual(run.lastFlushed);
      expect(thisRun).toBeLessThanOrEqual(run.lastRecorded);
      persisted = t.ledger.n;
      // One transaction per flush: every aggregate agrees with the ledger.
      for (const agg of [t.day, t.hour, t.minute, t.users, t.sessions]) expect(agg.n).toBe(t.ledger.n);
      for (const agg of [t.day, t.hour, t.minute, t.budget, t.users, t.sessions]) expect(Math.abs(agg.c - t.ledger.c)).toBeLessThanOrEqual(1e-9 * t.ledger.c);
      // And the engine opens it (no corruption), with the budget spend restored.
      const e = CostAnalytics.open({ store, clock: Date.now, budgets: validateBudgets([{ name: 'all', limitUsd: 1e9, period: 'month' }]), timezone: 'UTC', flushIntervalMs: 0, meter: createNoopMeter() });
      expect(Math.abs((e.budgets.status()[0]?.spentUsd ?? 0) - t.budget.c)).toBeLessThanOrEqual(1e-9 * t.budget.c);
      await e.close();
    }
    expect(persisted).toBeGreaterThan(1000);
    // 20 child processes: minutes on a loaded 2-core machine.
  }, 420_000);
});
