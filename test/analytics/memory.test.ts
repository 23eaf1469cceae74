import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('./fixtures/memory-probe.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MB = 1024 * 1024;

interface Probe { heapGrowth: number; rssGrowth: number; heapTotalGrowth: number; topCount: number }

function probe(mode: 'distinct' | 'same'): Probe {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', PROBE, mode], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
  return JSON.parse(out.trim().split('\n').pop() as string) as Probe;
}

describe('bounded memory', () => {
  it('1M distinct session and user ids cost at most 64 MB over the same workload with one id', () => {
    const distinct = probe('distinct');
    const same = probe('same');
    process.stdout.write(`1M calls, distinct ids: heap +${(distinct.heapGrowth / MB).toFixed(1)} MB, rss +${(distinct.rssGrowth / MB).toFixed(1)} MB; `
      + `one id: heap +${(same.heapGrowth / MB).toFixed(1)} MB, rss +${(same.rssGrowth / MB).toFixed(1)} MB\n`);
    expect(distinct.topCount).toBe(10);
    // Live JS objects: the sketches hold 1000 entries each whatever the number of ids.
    expect(distinct.heapGrowth).toBeLessThanOrEqual(16 * MB);
    // Process memory attributable to the distinct ids.
    expect(distinct.rssGrowth - same.rssGrowth).toBeLessThanOrEqual(64 * MB);
  }, 180_000);
});
