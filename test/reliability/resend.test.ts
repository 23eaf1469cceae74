// A re-sent request is never counted twice, however many spans came between (issue 17, point 3).
import { gzipSync } from 'node:zlib';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { ResendMemory } from '../../src/collector/resend-memory.js';
import { scrape, testCollector, total } from '../collector/helpers/collector.js';
import { genAiChat, recordedTracer } from '../collector/helpers/spans.js';
import { protoTemplate } from './helpers/proto-template.js';
import { post } from './helpers/traffic.js';

const PROTO = { 'content-type': 'application/x-protobuf' };

describe('re-sent requests', () => {
  it('batch A, then 1,000,000 newer LLM spans, then A again (plain and gzip): A is counted once', async () => {
    // No analytics store: the counters alone say what was counted, and the 1M spans go faster.
    const c = await testCollector({ pipeline: { analytics: false } });
    try {
      const t = recordedTracer('checkout');
      for (let i = 0; i < 3; i++) t.span(`chat ${i}`, genAiChat('gpt-4o-mini', 1000, 500));
      const a = Buffer.from(ProtobufTraceSerializer.serializeRequest(t.finished())!);
      expect((await post(c.otlpUrl, a, PROTO)).status).toBe(200);
      // 200 requests of 5,000 fresh spans each, 2 at a time.
      const template = protoTemplate(5000);
      let sent = 0;
      await Promise.all(
        Array.from({ length: 2 }, async () => {
          while (sent < 1_000_000) {
            sent += template.spans;
            expect((await post(c.otlpUrl, template.fresh(), PROTO)).status).toBe(200);
          }
        }),
      );
      expect((await post(c.otlpUrl, a, PROTO)).status).toBe(200);
      expect((await post(c.otlpUrl, gzipSync(a), { ...PROTO, 'content-encoding': 'gzip' })).status).toBe(200);
      expect(total(await scrape(c.metricsUrl), 'llm_requests_total')).toBe(3 + 1_000_000);
    } finally {
      await c.close();
    }
  }, 300_000); // about 10 s on 2 idle cores; minutes on a loaded host

  it('remembers for the window and up to maxEntries, then forgets the oldest first', () => {
    let now = 0;
    const m = new ResendMemory({ windowMs: 1000, maxEntries: 3, clock: () => now });
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((s) => ResendMemory.keyOf(Buffer.from(s)));
    m.add(a!);
    now = 500;
    m.add(b!);
    expect([m.has(a!), m.has(b!), m.has(c!)]).toEqual([true, true, false]);
    now = 1001; // a's window is over
    expect(m.has(a!)).toBe(false);
    m.add(c!);
    expect(m.size).toBe(2);
    m.add(d!);
    m.add(a!);
    expect(m.size).toBe(3); // b went first: the oldest
    expect([m.has(b!), m.has(c!), m.has(d!), m.has(a!)]).toEqual([false, true, true, true]);
    expect(m.evictedEarly).toBe(1);
  });
});
