// Auth on every route (issue 17, point 4): with a collector token, the receivers and /api need
// it; /metrics needs its own token when one is set; /healthz stays open for probes.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../src/collector/index.js';
import { exportSpans, testCollector } from '../collector/helpers/collector.js';
import { genAiChat, recordedTracer } from '../collector/helpers/spans.js';

const TOKEN = 'collector-token-1';
const METRICS_TOKEN = 'metrics-token-22';

let c: RunningCollector | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

const get = async (url: string, token?: string): Promise<number> =>
  (await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })).status;

describe('auth on every route', () => {
  it('OTLP, /api and /metrics refuse a missing or wrong token; each accepts only its own; /healthz is open', async () => {
    c = await testCollector({ authToken: TOKEN, metricsAuthToken: METRICS_TOKEN });
    const base = c.metricsUrl.replace('/metrics', '');
    const t = recordedTracer('svc');
    t.span('chat', genAiChat('gpt-4o-mini', 10, 1));
    expect((await exportSpans(c.otlpUrl, 'proto', t.finished())).code).toBe(1);
    expect((await exportSpans(c.otlpUrl, 'proto', t.finished(), { Authorization: `Bearer ${METRICS_TOKEN}` })).code).toBe(1);
    expect((await exportSpans(c.otlpUrl, 'proto', t.finished(), { Authorization: `Bearer ${TOKEN}` })).code).toBe(0);

    for (const path of ['/api/summary', '/api/top-sessions', '/api/session/abc']) {
      expect([path, await get(base + path)]).toEqual([path, 401]);
      expect([path, await get(base + path, METRICS_TOKEN)]).toEqual([path, 401]);
      expect([path, await get(base + path, TOKEN)]).not.toEqual([path, 401]);
    }
    const unauthorized = await fetch(c.metricsUrl);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer');
    expect(await get(c.metricsUrl, TOKEN)).toBe(401);
    const scraped = await fetch(c.metricsUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^llm_requests_total\{.*\} 1$/m);
    expect(await get(`${base}/healthz`)).toBe(200);
  });

  it('without a metrics token /metrics stays open while OTLP and /api need the collector token', async () => {
    c = await testCollector({ authToken: TOKEN });
    const base = c.metricsUrl.replace('/metrics', '');
    expect(await get(c.metricsUrl)).toBe(200);
    expect(await get(`${base}/api/summary`)).toBe(401);
    expect(await get(`${base}/api/summary`, TOKEN)).toBe(200);
  });
});
