// Honest rankings (issue 18, item 6): a top list is given as a ranking only when the top-K
// sketch's bounds, or the ledger's exact figures for the candidates, prove it; otherwise every
// answer (API, usage view, summary, `report`) says it is not a ranking and by how much.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNoopMeter } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CostAnalytics } from '../../src/analytics/engine.js';
import { runReport } from '../../src/cli/report.js';
import { mulberry32 } from '../helpers/forecast-eval.js';
import { pricedCall } from './factory.js';

const T0 = Date.now();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-cost-ranking-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(store: string): CostAnalytics {
  // One flush at the end: the ledger is written in one transaction (the store's batch insert).
  return CostAnalytics.open({ store, clock: () => T0, budgets: [], timezone: 'UTC', flushIntervalMs: 0, meter: createNoopMeter(), flushBatchSize: 2 ** 31 - 1, storeBacklogBytes: Number.MAX_SAFE_INTEGER });
}

async function report(store: string): Promise<string> {
  let text = '';
  const out = { write: (s: string) => { text += s; return true; } } as unknown as NodeJS.WritableStream;
  expect(await runReport(['--store', store, '--days', '1'], out)).toBe(0);
  return text;
}

describe('top sessions and users are a ranking only when they are one', () => {
  it('1M single-call sessions of equal cost: no ranking claimed, the listed costs exact, the margin stated', { timeout: 300_000 }, async () => {
    const store = join(dir, 'uniform.db');
    const e = open(store);
    const n = 1_000_000;
    const base = pricedCall({ at: T0 - n, costUsd: 0.0026 });
    for (let i = 0; i < n; i++) e.record({ ...base, spanId: `s${i}`, sessionId: `sess-${i}`, endTimeMs: T0 - n + i });
    await e.flush();
    // The sketch alone would list entries at about $2.60 (+/- $2.60); each session cost $0.0026.
    const top = e.analytics.topSessions({ n: 10 });
    expect(top).toHaveLength(10);
    for (const t of top) {
      expect(t).toMatchObject({ costUsd: 0.0026, errorUsd: 0, exact: true, calls: 1, rankingExact: false });
      // 1M calls x $0.0026 over 1000 entries: any session not listed may have cost up to $2.60.
      expect(t.unlistedMaxUsd).toBeCloseTo(2.6, 9);
    }
    expect(e.analytics.usage().topSessions.every((t) => !t.rankingExact)).toBe(true);
    expect(e.analytics.summary()).toContain('(not a ranking: too many of similar cost for the top-K sketch to tell apart; one not listed may have cost up to $2.60)');
    await e.close();
    const text = await report(store);
    const section = text.slice(text.indexOf('Top sessions:'));
    expect(section.split('\n').slice(1, 7)).toEqual([
      ...top.slice(0, 5).map((t) => `  ${t.id.padEnd(40)} ${'$0.002600'.padStart(11)}  ${'1'.padStart(8)} calls`),
      '  (not a ranking: too many of similar cost for the top-K sketch to tell apart; one not listed may have cost up to $2.60)',
    ]);
    expect(text).not.toMatch(/\+\/- /);
  });

  it('a few heavy sessions among 200k light ones: the exact top sessions, in order; users (no exact source) flagged', async () => {
    const e = open(':memory:');
    const light = 200_000;
    const heavy = 10;
    const perHeavy = 40;
    // Heavy session k: 40 calls of $0.05 + $0.0001 k, so neighbours differ by $0.004 in all, less
    // than the sketch's error for ids that arrive once it is full (from call 50k on, about $0.05).
    const heavyCost = (k: number): number => 0.05 + 0.0001 * k;
    const at = new Map<number, number>();
    const rand = mulberry32(18);
    for (let k = 0; k < heavy; k++) for (let j = 0; j < perHeavy; j++) {
      let pos: number;
      do pos = 50_000 + Math.floor(rand() * (light - 50_000)); while (at.has(pos));
      at.set(pos, k);
    }
    const base = pricedCall({ at: T0 - 1000, costUsd: 0.001 });
    let t = T0 - 2 * light;
    for (let i = 0; i < light; i++) {
      e.record({ ...base, spanId: `l${i}`, sessionId: `light-${i}`, userId: `light-user-${i}`, endTimeMs: t++ });
      const k = at.get(i);
      if (k !== undefined) {
        e.record({ ...base, costUsd: heavyCost(k), spanId: `h${i}`, sessionId: `heavy-${k}`, userId: `vip-${k}`, endTimeMs: t++ });
      }
    }
    const sessions = e.analytics.topSessions({ n: heavy });
    expect(sessions.map((s) => s.id)).toEqual(Array.from({ length: heavy }, (_, i) => `heavy-${heavy - 1 - i}`));
    sessions.forEach((s, i) => {
      const k = heavy - 1 - i;
      expect(s).toMatchObject({ exact: true, errorUsd: 0, calls: perHeavy, rankingExact: true });
      expect(s.costUsd).toBeCloseTo(perHeavy * heavyCost(k), 12);
    });
    // What a session not listed may weigh is below the lightest heavy one.
    expect(sessions[0]!.unlistedMaxUsd).toBeLessThan(sessions[heavy - 1]!.costUsd);
    // The same stream by user: the sketch holds the right ids, but its error ($0.05 and more)
    // exceeds the $0.004 between neighbours and the ledger has no index by user: not a ranking.
    const users = e.analytics.topUsers({ n: heavy });
    expect(new Set(users.map((u) => u.id))).toEqual(new Set(Array.from({ length: heavy }, (_, k) => `vip-${k}`)));
    expect(users.every((u) => !u.rankingExact)).toBe(true);
    expect(users.some((u) => u.errorUsd >= 0.04)).toBe(true);
    expect(e.analytics.summary()).toMatch(/Top users:[\s\S]*\(not a ranking/);
    expect(e.analytics.summary()).not.toMatch(/Top sessions:\n(?: {2}.*\n)* {2}\(not a ranking/);
    await e.close();
  });
});
