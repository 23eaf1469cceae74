// The usage page in a real browser (Debian's Chromium), against a real `otel-llm-cost serve`
// fed by the real OTLP/HTTP protobuf exporter. The figures on the page must be the ones
// /metrics and /api/usage give.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Attributes } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageView } from '../../src/analytics/usage.js';
import { int, usd } from '../../src/page/format.js';
import { exportSpans, scrape, total } from '../collector/helpers/collector.js';
import { spawnCollector } from '../collector/helpers/processes.js';
import type { CollectorProcess } from '../collector/helpers/processes.js';
import { SHOTS, openBrowser } from './browser.js';
import type { TestBrowser } from './browser.js';

const TOKEN = 'page-test-token';
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const DAY = 86_400_000;
/** A model name from a hostile span: markup and script that must show as text and run nothing. */
const EVIL = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

let dir: string;
let collector: CollectorProcess;
let browser: TestBrowser;
let pageUrl: string;

function chat(model: string, input: number, output: number, extra: Attributes = {}): Attributes {
  return {
    'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': model, 'gen_ai.response.model': model,
    'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output, ...extra,
  };
}

/**
 * 30 calls of session sess-a, 4 of sess-b, 2 unpriced calls of EVIL (one in sess-b, one the only
 * call of sess-c), and 1 call three days ago.
 */
async function sendSpans(otlpUrl: string): Promise<void> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'support-bot' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('page-test', '1.0.0');
  const now = Date.now();
  const call = (attrs: Attributes, endMs: number): void => {
    tracer.startSpan('chat', { attributes: attrs, startTime: endMs - 800 }).end(endMs);
  };
  for (let i = 0; i < 30; i++) {
    call(chat('gpt-4o-2024-08-06', 2000 + i, 300, { 'gen_ai.usage.cache_read.input_tokens': 1024, 'gen_ai.conversation.id': 'sess-a', 'user.id': 'alice' }), now - 60_000 + i * 100);
  }
  for (let i = 0; i < 4; i++) call(chat('gpt-4o-mini', 5000, 800, { 'gen_ai.conversation.id': 'sess-b', 'user.id': 'bob', 'gen_ai.agent.name': 'triage' }), now - 30_000 + i * 100);
  call({ ...chat(EVIL, 100, 10, { 'gen_ai.conversation.id': 'sess-b', 'user.id': 'bob' }), 'gen_ai.provider.name': 'acme' }, now - 20_000);
  call({ ...chat(EVIL, 100, 10, { 'gen_ai.conversation.id': 'sess-c', 'user.id': 'carol' }), 'gen_ai.provider.name': 'acme' }, now - 20_000 + 100);
  call(chat('gpt-4o-2024-08-06', 100_000, 10_000), now - 3 * DAY);
  const result = await exportSpans(otlpUrl, 'proto', memory.getFinishedSpans(), AUTH);
  expect(result.code).toBe(0);
  await provider.shutdown();
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(new URL(path, pageUrl), { headers: AUTH });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

beforeAll(async () => {
  dir = mkdtempSync(`${tmpdir()}/otel-llm-cost-page-`);
  writeFileSync(`${dir}/config.yaml`, [
    'budgets:',
    '  - { name: tiny-daily, limitUsd: 0.05, period: day }',
    '  - { name: roomy-monthly, limitUsd: 1000, period: month }',
  ].join('\n'));
  collector = await spawnCollector(['--store', `${dir}/store.db`, '--config', `${dir}/config.yaml`, '--auth-token-env', 'PAGE_TEST_TOKEN'], { PAGE_TEST_TOKEN: TOKEN });
  pageUrl = /usage page on (\S+)/.exec(collector.stdout())![1]!;
  await sendSpans(collector.otlpUrl);
  // The collector has taken the calls in once the API counts all of them.
  for (let i = 0; i < 100; i++) {
    const v = await api<UsageView>('/api/usage?hours=168');
    if (v.totals.calls === 37) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await openBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function figure(id: string): Promise<{ text: string; value: number }> {
  const loc = browser.page.locator(`#${id}`);
  return { text: (await loc.textContent()) ?? '', value: Number(await loc.getAttribute('data-value')) };
}

describe('the usage page', () => {
  it('asks for the bearer token, then shows exactly the totals of /metrics and the API, per range', async () => {
    const { page } = browser;
    // Without the token the API refuses, and the page asks for it.
    expect((await fetch(new URL('/api/usage', pageUrl))).status).toBe(401);
    const served = await fetch(pageUrl);
    expect(served.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await served.text()).not.toMatch(/<script>|<script [^>]*>[^<]|\son[a-z]+=|style=/i);
    // The first figures are asked for once, by boot.js before page.js runs; page.js takes that answer.
    const usageAsked: string[] = [];
    const onRequest = (r: { url(): string }): void => {
      const u = new URL(r.url());
      if (u.pathname === '/api/usage') usageAsked.push(u.search);
    };
    page.on('request', onRequest);
    await page.goto(pageUrl);
    await page.locator('#auth-token').waitFor({ state: 'visible' });
    page.off('request', onRequest);
    expect(usageAsked).toEqual(['?hours=24&days=30']);
    await browser.shot('1-token-prompt');
    expect(browser.errors.splice(0)).toEqual(['Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
    await page.locator('#auth-token').fill(TOKEN);
    await page.keyboard.press('Enter');
    await page.waitForSelector('body[data-loaded="24|30"]');
    await page.waitForTimeout(300);
    await browser.shot('2-last-24h');

    // 24 h: the API's figures (the call of three days ago is outside).
    const day = await api<UsageView>('/api/usage?hours=24&days=30');
    expect(day.totals.calls).toBe(36);
    const cost = await figure('h-cost');
    expect(cost.value).toBe(day.totals.costUsd);
    expect(cost.text).toBe(usd(day.totals.costUsd));
    expect(await figure('h-calls')).toEqual({ text: '36', value: 36 });
    expect((await figure('h-tokens')).value).toBe(day.totals.totalTokens);
    expect((await figure('h-savings')).value).toBe(day.totals.cacheSavingsUsd);
    expect(day.totals.cacheSavingsUsd).toBeGreaterThan(0);
    expect(await figure('h-unpriced')).toEqual({ text: '2', value: 2 });

    // 7 d covers every call sent: the same totals as /metrics (cumulative since the start).
    await page.locator('label[for="range-168"]').click();
    await page.waitForSelector('body[data-loaded="168|30"]');
    await browser.shot('3-last-7d');
    const m = await scrape(collector.metricsUrl);
    const metricCost = total(m, 'llm_cost_usd_total');
    const week = await figure('h-cost');
    expect(week.value).not.toBe(cost.value);
    expect(week.value).toBeCloseTo(metricCost, 12);
    expect(week.text).toBe(usd(metricCost));
    expect(await figure('h-calls')).toEqual({ text: int(total(m, 'llm_requests_total')), value: 37 });
    const tokens = await figure('h-tokens');
    expect(tokens.value).toBe(total(m, 'llm_tokens_total'));
    expect(tokens.text).toBe(int(tokens.value));
    expect((await figure('h-savings')).value).toBeCloseTo(total(m, 'llm_cost_cache_savings_usd_total'), 12);
    expect((await figure('h-unpriced')).value).toBe(total(m, 'llm_requests_total', { llm_priced: 'false' }));

    // Keyboard: the range is a radio group.
    await page.locator('#range-168').focus();
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector('body[data-loaded="24|30"]');
    expect((await figure('h-calls')).value).toBe(36);
  });

  it('renders a model name holding markup and script as text, running nothing', async () => {
    const { page } = browser;
    await expect.poll(() => page.locator('#unpriced-list').textContent()).toContain(EVIL);
    expect(await page.locator('#models-table tbody').textContent()).toContain(EVIL);
    expect(await page.locator('#chart-legend').textContent()).toContain(EVIL);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('main img, main script').count()).toBe(0);
    // Unpriced shows as unpriced, never as $0: in the table, the chart's legend and its text alternative.
    const row = page.locator('#models-table tbody tr', { hasText: EVIL });
    expect(await row.locator('td').nth(1).textContent()).toBe('unpriced');
    expect(await page.locator('#chart-legend').textContent()).toContain(`${EVIL} (unpriced)`);
    const alt = (await page.locator('#chart-alt').textContent())!;
    expect(alt).toContain(`, ${EVIL} unpriced`);
    expect(alt).toContain('2 calls have no price and are not in the spend.');
    expect(alt).not.toContain(`${EVIL} $`);
  });

  it('shows a top session or user with no priced call as unpriced, never $0, and the unpriced calls of the others', async () => {
    const { page } = browser;
    const v = await api<UsageView>('/api/usage?hours=24&days=30');
    const entry = (rows: UsageView['topSessions'], id: string): Pick<UsageView['topSessions'][number], 'costUsd' | 'calls' | 'unpricedCalls' | 'exact'> => {
      const { costUsd, calls, unpricedCalls, exact } = rows.find((r) => r.id === id)!;
      return { costUsd, calls, unpricedCalls, exact };
    };
    // sess-b: the 4 gpt-4o-mini calls (all of them) and one unpriced call.
    const mini = v.byModel.find((m) => m.model === 'gpt-4o-mini')!;
    expect(mini).toMatchObject({ calls: 4, unpricedCalls: 0 });
    const bob = entry(v.topSessions, 'sess-b');
    expect(bob).toEqual({ costUsd: mini.costUsd, calls: 5, unpricedCalls: 1, exact: true });
    expect(entry(v.topSessions, 'sess-c')).toEqual({ costUsd: 0, calls: 1, unpricedCalls: 1, exact: true });
    expect(entry(v.topSessions, 'sess-a')).toMatchObject({ calls: 30, unpricedCalls: 0 });
    expect(entry(v.topUsers, 'bob')).toEqual(bob);
    expect(entry(v.topUsers, 'carol')).toEqual({ costUsd: 0, calls: 1, unpricedCalls: 1, exact: true });
    // Cost and Calls cells of a row (the id is the row's header cell).
    const cells = async (table: string, id: string): Promise<string[]> => {
      const row = page.locator(`#${table} tbody tr`, { has: page.locator('th', { hasText: new RegExp(`^${id}$`) }) });
      return row.locator('td').evaluateAll((tds) => tds.slice(0, 2).map((td) => td.textContent ?? ''));
    };
    await expect.poll(() => cells('sessions-table', 'sess-c')).toEqual(['unpriced', '1 (1 unpriced)']);
    expect(await cells('sessions-table', 'sess-b')).toEqual([usd(bob.costUsd), '5 (1 unpriced)']);
    expect(await cells('sessions-table', 'sess-a')).toEqual([usd(entry(v.topSessions, 'sess-a').costUsd), '30']);
    expect(await cells('users-table', 'carol')).toEqual(['unpriced', '1 (1 unpriced)']);
    expect(await cells('users-table', 'bob')).toEqual([usd(bob.costUsd), '5 (1 unpriced)']);
    for (const table of ['sessions-table', 'users-table']) expect(await page.locator(`#${table} tbody`).textContent()).not.toMatch(/\$0\.00(?!\d)/);
  });

  it('draws the chosen budget\'s limit, its spend to date and its forecast to the period end, with the API\'s numbers', async () => {
    const { page } = browser;
    await page.locator('#budget-pick').selectOption('roomy-monthly');
    await expect.poll(() => page.locator('#chart').getAttribute('data-budget')).toContain('roomy-monthly');
    await browser.shot('5-budget-chart');
    const drawn = JSON.parse((await page.locator('#chart').getAttribute('data-budget'))!) as {
      dates: string[]; limitUsd: number[]; spentUsd: (number | null)[]; forecastUsd: (number | null)[];
    };
    const v = await api<UsageView>('/api/usage?hours=24&days=30');
    const b = v.budgets.find((x) => x.name === 'roomy-monthly')!;
    expect(drawn.limitUsd.every((x) => x === 1000)).toBe(true);
    // Spend to date: the API's daily costs added up from the period's first day (the budget
    // matches every call and shares the store's timezone), nothing before it.
    const periodStart = b.spentToDate!.dates[0]!;
    const today = v.daily.length - 1;
    let sum = 0;
    v.daily.forEach((d, i) => {
      if (d.date < periodStart) {
        expect(drawn.spentUsd[i]).toBeNull();
        return;
      }
      sum += d.costUsd;
      expect(drawn.dates[i]).toBe(d.date);
      expect(drawn.spentUsd[i]).toBeCloseTo(sum, 12);
    });
    expect(sum).toBeGreaterThan(0);
    expect(drawn.spentUsd[today]).toBe(b.spentUsd);
    expect(drawn.spentUsd.slice(today + 1).every((x) => x === null)).toBe(true);
    // The forecast runs from today's spend to the period's last day.
    const lastDay = new Date(b.periodEndMs - 1).toLocaleDateString('en-CA', { timeZone: b.timezone });
    expect(drawn.dates.at(-1)).toBe(lastDay);
    expect(drawn.forecastUsd[today]).toBe(b.spentUsd);
    const forecast = drawn.forecastUsd.at(-1)!;
    // The forecast moves a little with the time of day between the page's request and this one.
    expect(Math.abs(forecast - b.forecastUsd) / b.forecastUsd).toBeLessThan(1e-3);
    expect(drawn.forecastUsd.filter((x) => x !== null)).toHaveLength(drawn.dates.length - 1 > today ? 2 : 1);
    const alt = (await page.locator('#chart-alt').textContent())!;
    expect(alt).toContain(`Budget roomy-monthly (month, ${b.timezone}): ${usd(b.spentUsd)} spent since ${periodStart} of a $1,000.00 limit`);
  });

  it('downloads the daily and by-model tables as CSV, with the API\'s numbers and unpriced costs left empty', async () => {
    const { page } = browser;
    const csv = async (button: string): Promise<string[][]> => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator(button).click()]);
      return readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n').map((l) => l.split(','));
    };
    const v = await api<UsageView>('/api/usage?hours=24&days=30');
    const daily = await csv('#daily-csv');
    expect(daily[0]!.slice(0, 3)).toEqual(['date', 'cost_usd', 'calls']);
    expect(daily.slice(1).map((r) => [r[0], Number(r[1]), Number(r[2])])).toEqual(v.daily.map((d) => [d.date, d.costUsd, d.calls]));
    const models = await csv('#models-csv');
    expect(models[0]!.slice(0, 6)).toEqual(['provider', 'model', 'cost_usd', 'calls', 'priced_calls', 'unpriced_calls']);
    expect(models).toHaveLength(v.byModel.length + 1);
    const evil = models.find((r) => r[0] === 'acme')!;
    expect(evil.slice(2, 6)).toEqual(['', '2', '0', '2']);
    const mini = models.find((r) => r[1] === 'gpt-4o-mini')!;
    expect(Number(mini[2])).toBe(v.byModel.find((m) => m.model === 'gpt-4o-mini')!.costUsd);
  });

  it('shows budgets with their state, and a session\'s calls a page at a time', async () => {
    const { page } = browser;
    const tiny = page.locator('#budgets-table tbody tr', { hasText: 'tiny-daily' });
    expect(await tiny.locator('.badge').textContent()).toBe('Exceeded');
    expect(await page.locator('#budgets-table tbody tr', { hasText: 'roomy-monthly' }).locator('.badge').textContent()).toBe('OK');

    await page.getByRole('button', { name: 'Show the calls of session sess-a' }).click();
    await page.locator('#session-table tbody tr').first().waitFor();
    await expect.poll(() => page.locator('#session-table').getAttribute('data-rows')).toBe('25');
    expect(await page.locator('#session-page').textContent()).toBe('Page 1');
    await browser.shot('4-session-calls');
    const first = await api<{ rows: { traceId: string; totalCostUsd: number }[]; nextCursor: string | null }>('/api/breakdown?session=sess-a&hours=87840&limit=25');
    expect(await page.locator('#session-table tbody tr').first().locator('code').textContent()).toBe(first.rows[0]!.traceId);
    expect(await page.locator('#session-table tbody tr').first().locator('td').nth(6).textContent()).toBe(usd(first.rows[0]!.totalCostUsd));
    await page.locator('#session-next').click();
    await expect.poll(() => page.locator('#session-table').getAttribute('data-rows')).toBe('5');
    expect(await page.locator('#session-page').textContent()).toBe('Page 2 (last)');
    expect(await page.locator('#session-next').isDisabled()).toBe(true);
  });

  it('says how to send spans while nothing was recorded yet', async () => {
    const empty = await spawnCollector(['--store', `${dir}/empty.db`]);
    const page = await browser.context.newPage();
    try {
      page.on('console', (m) => {
        if (m.type() === 'error') browser.errors.push(m.text());
      });
      await page.goto(/usage page on (\S+)/.exec(empty.stdout())![1]!);
      await page.waitForSelector('body[data-loaded="24|30"]');
      expect(await page.locator('#empty').isVisible()).toBe(true);
      // This collector's own addresses (the test starts it on free ports), not the defaults.
      const said = (await page.locator('#empty').textContent())!;
      expect(said).toContain(`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${empty.otlpUrl}`);
      expect(said).toContain(`OTEL_EXPORTER_OTLP_ENDPOINT=${empty.grpcUrl!}`);
      expect(empty.otlpUrl).not.toContain(':4318/');
      expect(await page.locator('#h-calls').textContent()).toBe('0');
      expect(await page.locator('#models-table tbody').textContent()).toBe('No calls in this range.');
      await page.screenshot({ path: `${SHOTS}/0-empty.png`, fullPage: true });
      // The page with calls has no empty notice.
      expect(await browser.page.locator('#empty').isHidden()).toBe(true);
    } finally {
      await page.close();
      await empty.stop();
    }
  });

  it('made no request beyond 127.0.0.1 and logged no errors', () => {
    expect(browser.external).toEqual([]);
    expect(browser.errors).toEqual([]);
  });
});
