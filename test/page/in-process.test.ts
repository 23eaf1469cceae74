// serveUsagePage(processor): the usage page of an in-process app, through a real tracer and
// meter provider (the browser tests drive the collector's copy of the same page).
import type { Attributes } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { serveUsagePage } from '../../src/index.js';
import type { UsagePageServer } from '../../src/index.js';
import type { UsageView } from '../../src/analytics/usage.js';
import { createHarness } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';

let h: Harness | undefined;
let server: UsagePageServer | undefined;
afterEach(async () => {
  await server?.close();
  await h?.close();
  server = undefined;
  h = undefined;
});

const CHAT = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' };

describe('serveUsagePage(processor)', () => {
  it('serves the page on 127.0.0.1 with the processor\'s figures behind its token', async () => {
    h = createHarness();
    // gpt-4o list price: $2.50 per 1M input, $10 per 1M output: 200k in + 50k out = $0.50 + $0.50.
    h.emit('chat gpt-4o', { ...CHAT, 'gen_ai.usage.input_tokens': 200_000, 'gen_ai.usage.output_tokens': 50_000, 'gen_ai.conversation.id': 'conv-1' });
    server = await serveUsagePage(h.processor, { port: 0, authToken: 'page-token' });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);

    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    // No collector here: the empty state tells how to add the processor, not an OTLP address.
    expect(html).toContain('serveUsagePage(processor)');
    expect(html).not.toContain('OTEL_EXPORTER_OTLP');
    expect(html).not.toContain('<!--intake');
    for (const asset of ['boot.js', 'page.js', 'page.css']) expect((await fetch(new URL(asset, server.url))).status).toBe(200);

    const api = new URL('api/usage?hours=24&days=7', server.url);
    expect((await fetch(api)).status).toBe(401);
    const usage = (await (await fetch(api, { headers: { Authorization: 'Bearer page-token' } })).json()) as UsageView;
    expect(usage.totals.calls).toBe(1);
    expect(usage.totals.costUsd).toBeCloseTo(1, 12);
    expect(usage.totals.costUsd).toBe(await h.value('llm_cost_usd_total'));
  });

  it('/api/usage counts the unpriced calls of top sessions and users: all unpriced, or some', async () => {
    h = createHarness();
    // Each call ends at a whole millisecond of its own, 10 s after now: never before the span's start.
    let at = Date.now() + 10_000;
    const call = (attributes: Attributes): number => {
      at += 1;
      h!.start('chat', attributes).end(at);
      return at;
    };
    // gpt-4o: $2.50 per 1M input, $10 per 1M output. acme-1 has no price; a call without usage has none either.
    const darkFirst = call({ ...CHAT, 'gen_ai.provider.name': 'acme', 'gen_ai.request.model': 'acme-1', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5, 'gen_ai.conversation.id': 'dark', 'user.id': 'carol' });
    const mixedFirst = call({ ...CHAT, 'gen_ai.usage.input_tokens': 200_000, 'gen_ai.usage.output_tokens': 50_000, 'gen_ai.conversation.id': 'mixed', 'user.id': 'dave' });
    call({ ...CHAT, 'gen_ai.provider.name': 'acme', 'gen_ai.request.model': 'acme-1', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5, 'gen_ai.conversation.id': 'dark', 'user.id': 'carol' });
    call({ ...CHAT, 'gen_ai.provider.name': 'acme', 'gen_ai.request.model': 'acme-1', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5, 'gen_ai.conversation.id': 'mixed', 'user.id': 'dave' });
    const darkLast = call({ ...CHAT, 'gen_ai.conversation.id': 'dark', 'user.id': 'carol' });
    const mixedLast = call({ ...CHAT, 'gen_ai.usage.input_tokens': 100_000, 'gen_ai.usage.output_tokens': 25_000, 'gen_ai.conversation.id': 'mixed', 'user.id': 'dave' });
    server = await serveUsagePage(h.processor, { port: 0, authToken: 'page-token' });
    const res = await fetch(new URL('api/usage?hours=24&days=7', server.url), { headers: { Authorization: 'Bearer page-token' } });
    expect(res.status).toBe(200);
    const usage = (await res.json()) as UsageView;
    expect(usage.totals).toMatchObject({ calls: 6, pricedCalls: 2, unpricedCalls: 4, costUsd: 1.5 });
    const ranked = { errorUsd: 0, exact: true, rankingExact: true, unlistedMaxUsd: 0 };
    const mixed = { costUsd: 1.5, calls: 3, unpricedCalls: 1, firstMs: mixedFirst, lastMs: mixedLast, ...ranked };
    const dark = { costUsd: 0, calls: 3, unpricedCalls: 3, firstMs: darkFirst, lastMs: darkLast, ...ranked };
    expect(usage.topSessions).toEqual([{ id: 'mixed', ...mixed }, { id: 'dark', ...dark }]);
    expect(usage.topUsers).toEqual([{ id: 'dave', ...mixed }, { id: 'carol', ...dark }]);
  });

  it('refuses a processor without analytics and a bad port, and frees the port on close', async () => {
    h = createHarness({ analytics: false });
    await expect(serveUsagePage(h.processor, { port: 0 })).rejects.toThrow(/analytics: false/);
    await h.close();
    h = createHarness();
    await expect(serveUsagePage(h.processor, { port: 70_000 })).rejects.toThrow(/port must be an integer from 0 to 65535/);
    server = await serveUsagePage(h.processor, { port: 0 });
    const { port } = server;
    await server.close();
    server = await serveUsagePage(h.processor, { port });
    expect(server.port).toBe(port);
  });
});
