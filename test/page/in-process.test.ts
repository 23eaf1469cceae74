// serveUsagePage(processor): the usage page of an in-process app, through a real tracer and
// meter provider (the browser tests drive the collector's copy of the same page).
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
