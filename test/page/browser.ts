// Debian's Chromium driven by playwright-core, with a fresh profile, no network beyond
// 127.0.0.1 (every other request is aborted and recorded) and console errors collected.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots for a person to look at (gitignored). */
export const SHOTS = resolve(__dirname, '../../test-output/page');

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Requests to anything but 127.0.0.1 (aborted). */
  external: string[];
  /** console.error messages and uncaught page errors. */
  errors: string[];
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it (Debian: apt-get install chromium; .ci/run does) or set CHROMIUM_PATH`);
  }
  const profile = mkdtempSync(`${tmpdir()}/otel-llm-cost-chromium-`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1300, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const external: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    external.push(url.href);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  mkdirSync(SHOTS, { recursive: true });
  return {
    context,
    page,
    external,
    errors,
    shot: async (name) => {
      await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
