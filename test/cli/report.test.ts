import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createNoopMeter } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CostAnalytics } from '../../src/analytics/engine.js';
import { runReport } from '../../src/cli/report.js';
import { bar } from '../../src/cli/report-text.js';
import { pricedCall } from '../analytics/factory.js';

const HOUR = 3_600_000;
let dir: string;

afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

async function report(args: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const out = { write: (s: string) => { text += s; return true; } } as unknown as NodeJS.WritableStream;
  const code = await runReport(args, out);
  return { code, text };
}

/** A store with calls at 23:30 UTC yesterday and now, written as `serve` would (UTC days). */
async function writeStore(): Promise<{ path: string; now: number }> {
  dir = mkdtempSync(`${tmpdir()}/report-`);
  const path = `${dir}/otel-llm-cost.db`;
  const now = Date.now();
  const midnight = now - (now % (24 * HOUR));
  const e = CostAnalytics.open({ store: path, clock: () => now, budgets: [{ name: 'daily', limitUsd: 1, period: 'day' }], timezone: 'UTC', flushIntervalMs: 0, meter: createNoopMeter() });
  e.record(pricedCall({ at: midnight - HOUR / 2, costUsd: 0.75, sessionId: 'late-night' }));
  e.record(pricedCall({ at: now - 1000, costUsd: 0.25, cacheSavingsUsd: 0.125, agentName: 'planner' }));
  e.record(pricedCall({ at: now - 1000, priced: false, provider: 'acme', requestModel: 'acme-1', responseModel: undefined }));
  await e.close();
  return { path, now };
}

describe('otel-llm-cost report', () => {
  it('prints the usage figures with a daily bar chart', async () => {
    const { path } = await writeStore();
    const { code, text } = await report(['--store', path, '--days', '2']);
    expect(code).toBe(0);
    expect(text).toContain('Last 2 days: $1.00 over 3 calls (1 unpriced, not in the cost)');
    expect(text).toContain('cache savings $0.13');
    expect(text).toMatch(/acme\/acme-1\s+1 calls/);
    // Yesterday $0.75 is the longest bar (40 chars), today $0.25 a third of it.
    const rows = text.split('\n').filter((l) => /^ {2}\d{4}-\d{2}-\d{2} /.test(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(`${'█'.repeat(40)}  `);
    expect(rows[0]).toMatch(/\$0\.75\s+1 calls$/);
    expect(rows[1]).toContain(`${'█'.repeat(13)}▍`);
    expect(rows[1]).toMatch(/\$0\.25\s+2 calls {2}\(1 unpriced\)$/);
    expect(text).toMatch(/openai\/gpt-4o-2024-08-06\s+\$1\.00\s+100\.0%/);
    expect(text).toMatch(/acme\/acme-1\s+unpriced\s+-/);
    expect(text).toMatch(/By agent:\n {2}\(none\)\s+\$0\.75.*\n {2}planner\s+\$0\.25/);
    expect(text).toContain('late-night');
    expect(text).toMatch(/daily \(day, UTC\): \$0\.25 of \$1\.00 \(25\.0%\)/);
  });

  it('draws the days in the --timezone asked for', async () => {
    // The day Kiritimati (UTC+14) calls today starts at 10:00 UTC, so the layout below holds only
    // before 10:00 UTC: the clock (Date only; timers stay real) is set to 05:00 UTC.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2026-03-10T05:00:00Z'));
    const { path } = await writeStore();
    // In UTC+14 the call at 23:30 UTC yesterday falls on today's date, with the other two.
    const { code, text } = await report(['--store', path, '--days', '2', '--timezone', 'Pacific/Kiritimati']);
    expect(code).toBe(0);
    expect(text).toContain('(days in Pacific/Kiritimati)');
    const rows = text.split('\n').filter((l) => /^ {2}\d{4}-\d{2}-\d{2} /.test(l));
    expect(rows.map((r) => /\$(\S+)\s+(\d+) calls/.exec(r)!.slice(1))).toEqual([['0.00', '0'], ['1.00', '3']]);
    expect((await report(['--store', path, '--timezone', 'Mars/Olympus'])).code).toBe(2);
    expect((await report(['--store', path, '--days', '400', '--timezone', 'Asia/Tokyo'])).text).toMatch(/covers at most 35 days/);
  });

  it('reads ./otel-llm-cost.db by default, the store serve writes', async () => {
    const { path } = await writeStore();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const { code, text } = await report([]);
      expect(code).toBe(0);
      expect(text).toContain('Last 7 days: $1.00 over 3 calls');
    } finally {
      process.chdir(cwd);
    }
    expect(path.endsWith('/otel-llm-cost.db')).toBe(true);
  });

  it('prints costs of calls that have no price as unpriced, never $0.00', async () => {
    dir = mkdtempSync(`${tmpdir()}/report-`);
    const path = `${dir}/otel-llm-cost.db`;
    const now = Date.now();
    const e = CostAnalytics.open({ store: path, clock: () => now, budgets: [], timezone: 'UTC', flushIntervalMs: 0, meter: createNoopMeter() });
    e.record(pricedCall({ at: now - 1000, priced: false, provider: 'acme', requestModel: 'acme-1', responseModel: undefined, agentName: 'scout' }));
    await e.close();
    const { code, text } = await report(['--store', path, '--days', '2']);
    expect(code).toBe(0);
    expect(text).toContain('Last 2 days: unpriced over 1 calls (1 unpriced, not in the cost)');
    const rows = text.split('\n').filter((l) => /^ {2}\d{4}-\d{2}-\d{2} /.test(l));
    expect(rows[1]).toMatch(/unpriced\s+1 calls {2}\(1 unpriced\)$/);
    expect(text).toMatch(/By agent:\n {2}scout\s+unpriced\s+1 calls/);
    expect(text).toMatch(/By service:\n {2}checkout\s+unpriced\s+1 calls/);
    // $0.00 only for the day with no calls at all.
    expect(rows[0]).toMatch(/\$0\.00\s+0 calls$/);
  });

  it('prints a top session or user whose calls all have no price as unpriced, and counts the unpriced ones of the others', async () => {
    dir = mkdtempSync(`${tmpdir()}/report-`);
    const path = `${dir}/otel-llm-cost.db`;
    const now = Date.now();
    const e = CostAnalytics.open({ store: path, clock: () => now, budgets: [], timezone: 'UTC', flushIntervalMs: 0, meter: createNoopMeter() });
    for (let i = 0; i < 3; i++) e.record(pricedCall({ at: now - 5000 + i, priced: false, sessionId: 'dark', userId: 'carol' }));
    e.record(pricedCall({ at: now - 3000, costUsd: 0.25, sessionId: 'mixed', userId: 'dave' }));
    e.record(pricedCall({ at: now - 2000, priced: false, sessionId: 'mixed', userId: 'dave' }));
    e.record(pricedCall({ at: now - 1000, costUsd: 0.5, sessionId: 'mixed', userId: 'dave' }));
    await e.close();
    const { code, text } = await report(['--store', path, '--days', '2']);
    expect(code).toBe(0);
    const top = (id: string, cost: string, note: string): string => `  ${id.padEnd(40)} ${cost.padStart(11)}  ${'3'.padStart(8)} calls${note}`;
    expect(text.slice(text.indexOf('Top sessions:')).split('\n').slice(0, 7)).toEqual([
      'Top sessions:',
      top('mixed', '$0.75', '  (1 unpriced)'),
      top('dark', 'unpriced', ''),
      '',
      'Top users:',
      top('dave', '$0.75', '  (1 unpriced)'),
      top('carol', 'unpriced', ''),
    ]);
  });

  it('bars grow in eighths of a character', () => {
    expect(bar(0, 1, 10)).toBe('');
    expect(bar(1, 1, 10)).toBe('█'.repeat(10));
    expect(bar(0.5, 1, 3)).toBe('█▌');
    expect(bar(1e-9, 1, 10)).toBe('▏');
  });
});
