// SIGTERM under load (issue 17, point 5): requests that arrive while draining get 503 with
// Retry-After, in-flight ones finish, nobody's connection is reset, and the store holds exactly
// the calls of the requests answered 200.
import { mkdtempSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { LlmCostSpanProcessor } from '../../src/index.js';
import { spawnCollector } from '../collector/helpers/processes.js';
import { protoTemplate } from './helpers/proto-template.js';
import { post } from './helpers/traffic.js';
import type { PostOutcome } from './helpers/traffic.js';

const PROTO = { 'content-type': 'application/x-protobuf' };

describe('SIGTERM under load', () => {
  it('8 keep-alive senders: 200 or 503 + Retry-After, then a closed port; no resets; store total = spans answered 200', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'llm-cost-term-')), 'state.db');
    const c = await spawnCollector(['--store', store, '--grpc-port', 'off']);
    const template = protoTemplate(20);
    const outcomes: PostOutcome[] = [];
    const perSender: PostOutcome[][] = [];
    let stopAt = Infinity;
    const sender = async (): Promise<void> => {
      const mine: PostOutcome[] = [];
      perSender.push(mine);
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (;;) {
          const r = await post(c.otlpUrl, template.fresh(), PROTO, agent);
          outcomes.push(r);
          mine.push(r);
          // After the first refused connection the collector is gone; one more try proves it stays so.
          if (r.error === 'ECONNREFUSED' || Date.now() > stopAt) return;
        }
      } finally {
        agent.destroy();
      }
    };
    const senders = Array.from({ length: 8 }, () => sender());
    await new Promise((r) => setTimeout(r, 1500));
    const before = outcomes.length;
    c.terminate();
    stopAt = Date.now() + 20_000;
    await Promise.all(senders);
    expect(await c.stop()).toBe(0);

    // Every request that reached the collector was answered: errors come only once the port is
    // closed (refused), except that a connection made in the very instant the port closes can be
    // reset by the kernel (it was never accepted): at most that one attempt per sender.
    for (const mine of perSender) {
      const firstError = mine.findIndex((o) => o.error !== undefined);
      expect(firstError).toBeGreaterThan(0);
      expect(mine.slice(firstError).every((o) => o.error !== undefined)).toBe(true);
      expect(mine.filter((o) => o.error === 'ECONNRESET').length).toBeLessThanOrEqual(1);
      expect(mine[mine.length - 1]!.error).toBe('ECONNREFUSED');
    }
    const errors = outcomes.filter((o) => o.error !== undefined).map((o) => o.error);
    expect([...new Set(errors)].every((e) => e === 'ECONNREFUSED' || e === 'ECONNRESET')).toBe(true);
    const statuses = outcomes.filter((o) => o.status !== undefined);
    expect(new Set(statuses.map((o) => o.status))).toEqual(new Set([200, 503]));
    for (const o of statuses.filter((s) => s.status === 503)) expect(o.retryAfter).toBe('1');
    const accepted = statuses.filter((o) => o.status === 200).length;
    expect(accepted).toBeGreaterThanOrEqual(before > 0 ? 1 : 0);

    const processor = new LlmCostSpanProcessor({ store, meterProvider: new MeterProvider() });
    try {
      const calls = processor.analytics.byModel({ hours: 24 }).reduce((a, r) => a + r.calls, 0);
      expect(calls).toBe(accepted * template.spans);
    } finally {
      await processor.shutdown();
    }
  }, 60_000);
});
