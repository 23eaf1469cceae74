// The usage page over a store of 1M calls (30 days, 200 models x services x agents series,
// 50k sessions): time of each API request the page makes, its body size, and the bytes of a
// first load. Also measures a full first load in Chromium when it is installed.
// Run: npm run bench -- usage-page   (CALLS=200000 for a quicker run; LOADS=5 Chromium first loads)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { createNoopMeter } from '@opentelemetry/api';
import { CostAnalytics } from '../src/analytics/engine.js';
import { createUsageHandler } from '../src/usage-page/handler.js';
import type { PricedCall } from '../src/types.js';

const CALLS = Number(process.env.CALLS ?? 1_000_000);
const LOADS = Number(process.env.LOADS ?? 5);
const DAY = 86_400_000;
const dir = mkdtempSync(`${tmpdir()}/usage-bench-`);
const now = Date.now();

function call(i: number): PricedCall {
  const end = now - Math.floor(((i * 7919) % CALLS) / CALLS * 30 * DAY);
  const priced = i % 50 !== 0;
  const cost = priced ? 0.0001 + (i % 97) * 0.00003 : undefined;
  return {
    traceId: i.toString(16).padStart(32, '0'), spanId: i.toString(16).padStart(16, '0'), parentSpanId: undefined,
    startTimeMs: end - 900, endTimeMs: end, provider: ['openai', 'anthropic', 'gcp.gemini', 'acme'][i % 4]!,
    // 20 models (each of one of 4 providers) x 2 services x 5 agents = 200 series.
    requestModel: `model-${i % 20}`, responseModel: `model-${i % 20}`, operation: 'chat',
    inputTokens: 1200, cacheReadTokens: 512, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 0,
    sessionId: `session-${i % 50_000}`, userId: `user-${i % 2000}`, agentName: `agent-${Math.floor(i / 40) % 5}`, serviceName: `svc-${Math.floor(i / 20) % 2}`,
    error: undefined, dialect: 'gen_ai', role: 'call', dimensions: {}, priced, costUsd: cost,
    costs: cost === undefined ? undefined : { input: cost / 2, cacheRead: 0, cacheWrite: 0, output: cost / 2, reasoning: 0 },
    tokens: { input: 688, cacheRead: 512, cacheWrite: 0, output: 300, reasoning: 0 },
    unpricedReason: priced ? undefined : 'unknown_model', pricedAs: priced ? 'x' : undefined, cacheSavingsUsd: priced ? 0.00005 : undefined,
  } as PricedCall;
}

async function main(): Promise<void> {
  const engine = CostAnalytics.open({
    store: `${dir}/store.db`, clock: () => now, timezone: 'UTC', flushIntervalMs: 0, meter: createNoopMeter(),
    budgets: [{ name: 'monthly', limitUsd: 500, period: 'month' }], flushBatchSize: 1 << 30,
  });
  let t = performance.now();
  for (let i = 0; i < CALLS; i++) {
    engine.record(call(i));
    if (i % 100_000 === 99_999) await engine.flush();
  }
  await engine.flush();
  process.stdout.write(`recorded and stored ${CALLS} calls in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

  const handle = createUsageHandler({ engine: () => engine });
  let last = 0;
  const server = createServer((req, res) => {
    const start = performance.now();
    if (!handle(req, res, new URL(req.url ?? '/', 'http://x'))) res.writeHead(404).end();
    last = performance.now() - start;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const rows: string[][] = [['request', 'server ms (first / best of 5)', 'body bytes']];
  let firstLoad = 0;
  for (const path of ['/', '/boot.js', '/page.js', '/page.css', '/api/usage?hours=24&days=30', '/api/usage?hours=168&days=30', '/api/usage?hours=720&days=90',
    '/api/breakdown?session=session-7&hours=87840&limit=25', '/api/breakdown?hours=1&limit=100', '/api/breakdown?hours=720&limit=1000']) {
    const times: number[] = [];
    let bytes = 0;
    for (let k = 0; k < 6; k++) {
      const res = await fetch(base + path);
      bytes = (await res.arrayBuffer()).byteLength;
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      times.push(last);
    }
    if (path === '/' || path.startsWith('/page.') || path === '/boot.js' || path === '/api/usage?hours=24&days=30') firstLoad += bytes;
    rows.push([path, `${times[0]!.toFixed(1)} / ${Math.min(...times.slice(1)).toFixed(1)}`, String(bytes)]);
  }
  for (const r of rows) process.stdout.write(`${r[0]!.padEnd(58)} ${r[1]!.padStart(30)} ${r[2]!.padStart(12)}\n`);
  process.stdout.write(`first load (HTML + scripts + style + /api/usage): ${firstLoad} bytes, no compression\n`);

  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(chromium)) {
    const { chromium: pw } = await import('playwright-core');
    const browser = await pw.launch({ executablePath: chromium, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    // Two clocks: the page's own (navigation start to the figures drawn, its 'figures-shown'
    // mark) and this process's (goto to the figures seen, with the driver's round trips).
    const inPage: number[] = [];
    const driven: number[] = [];
    for (let k = 0; k < LOADS; k++) {
      const page = await browser.newPage();
      t = performance.now();
      await page.goto(`${base}/`);
      await page.waitForSelector('body[data-loaded]');
      driven.push(performance.now() - t);
      inPage.push(await page.evaluate(() => performance.getEntriesByName('figures-shown')[0]?.startTime ?? Number.NaN));
      await page.close();
    }
    const summary = (xs: number[]): string => {
      const sorted = [...xs].sort((a, b) => a - b);
      return `${xs.map((x) => x.toFixed(0)).join(', ')}; median ${sorted[Math.floor(xs.length / 2)]!.toFixed(0)}, best ${sorted[0]!.toFixed(0)}`;
    };
    process.stdout.write(`Chromium first load, navigation start to figures drawn (page's clock, ms): ${summary(inPage)}\n`);
    process.stdout.write(`Chromium first load, goto to figures seen (driver's clock, ms):           ${summary(driven)}\n`);
    await browser.close();
  }
  server.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
