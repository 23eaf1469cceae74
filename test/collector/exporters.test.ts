import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../src/collector/index.js';
import { PROM } from '../../src/semconv.js';
import { exportSpans, scrape, testCollector, total } from './helpers/collector.js';
import { genAiChat, openInferenceLlm, recordedTracer, vercelDoGenerate, vercelRoot } from './helpers/spans.js';

function price(model: string, providerId: string, input: number, output: number): number {
  const r = calcPrice({ input_tokens: input, output_tokens: output }, model, { providerId });
  if (!r) throw new Error(`no price for ${providerId}/${model}`);
  return r.total_price;
}

/** Appends a ResourceSpans holding one span with an 8-byte trace_id to an encoded request. */
function withExtraBadSpan(request: Buffer): Buffer {
  const len = (field: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([(field << 3) | 2, payload.length]), payload]);
  const span = Buffer.concat([len(1, Buffer.alloc(8, 7)), len(2, Buffer.alloc(8, 9))]);
  return Buffer.concat([request, len(1, len(2, len(2, span)))]);
}

function expectUsd(got: number, want: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.abs(want) * 1e-9 + 1e-15);
}

describe('collector: real OTLP exporters in, exact costs out', () => {
  let collector: RunningCollector;
  beforeAll(async () => {
    collector = await testCollector();
  });
  afterAll(async () => {
    await collector.close();
  });

  it('prices gen_ai (protobuf), OpenInference (JSON) and Vercel (protobuf) spans per service', async () => {
    const genai = recordedTracer('svc-genai');
    genai.span('chat gpt-4o', genAiChat('gpt-4o', 1200, 340));
    genai.span('chat gpt-4o', genAiChat('gpt-4o', 800, 60));
    const oi = recordedTracer('svc-openinference');
    oi.span('ChatAnthropic', openInferenceLlm('claude-3-5-sonnet-20241022', 1000, 200), undefined, { name: 'openinference.instrumentation.langchain', version: '1.0.0' });
    const vercel = recordedTracer('svc-vercel');
    vercel.span('ai.generateText', vercelRoot('gpt-4o-mini', 300, 90), () => {
      vercel.span('ai.generateText.doGenerate', vercelDoGenerate('gpt-4o-mini', 300, 90), undefined, { name: 'ai' });
    }, { name: 'ai' });

    expect((await exportSpans(collector.otlpUrl, 'proto', genai.finished())).code).toBe(0);
    expect((await exportSpans(collector.otlpUrl, 'json', oi.finished())).code).toBe(0);
    expect((await exportSpans(collector.otlpUrl, 'proto', vercel.finished())).code).toBe(0);

    const m = await scrape(collector.metricsUrl);
    const wantGenai = price('gpt-4o', 'openai', 1200, 340) + price('gpt-4o', 'openai', 800, 60);
    const wantOi = price('claude-3-5-sonnet-20241022', 'anthropic', 1000, 200);
    const wantVercel = price('gpt-4o-mini', 'openai', 300, 90);
    expectUsd(total(m, PROM.cost, { service_name: 'svc-genai' }), wantGenai);
    expectUsd(total(m, PROM.cost, { service_name: 'svc-openinference' }), wantOi);
    expectUsd(total(m, PROM.cost, { service_name: 'svc-vercel' }), wantVercel);
    expect(total(m, PROM.requests, { service_name: 'svc-genai' })).toBe(2);
    expect(total(m, PROM.requests, { service_name: 'svc-vercel' })).toBe(1);
    expect(total(m, PROM.tokens, { service_name: 'svc-vercel', llm_token_type: 'input' })).toBe(300);
    expect(total(m, PROM.tokens, { service_name: 'svc-vercel', llm_token_type: 'output' })).toBe(90);
    // The standard GenAI metrics are on in collector mode.
    expect(total(m, 'gen_ai_client_token_usage_sum', { gen_ai_request_model: 'gpt-4o', gen_ai_token_type: 'input' })).toBe(2000);
    expect(total(m, 'gen_ai_client_token_usage_count', { gen_ai_request_model: 'gpt-4o', gen_ai_token_type: 'output' })).toBe(2);
  });

  it('dedupes across requests: a child counted in request 1 hides its parent sent in request 2', async () => {
    const t = recordedTracer('svc-dedupe');
    t.span('chat outer', genAiChat('gpt-4o', 500, 100), () => {
      t.span('chat inner', genAiChat('gpt-4o', 500, 100));
    });
    const [child, parent] = t.finished();
    expect(child!.name).toBe('chat inner');
    expect((await exportSpans(collector.otlpUrl, 'proto', [child!])).code).toBe(0);
    expect((await exportSpans(collector.otlpUrl, 'json', [parent!])).code).toBe(0);
    const m = await scrape(collector.metricsUrl);
    expect(total(m, PROM.requests, { service_name: 'svc-dedupe' })).toBe(1);
    expectUsd(total(m, PROM.cost, { service_name: 'svc-dedupe' }), price('gpt-4o', 'openai', 500, 100));
  });

  it('accepts gzip-compressed requests from both exporters', async () => {
    for (const wire of ['proto', 'json'] as const) {
      const t = recordedTracer(`svc-gzip-${wire}`);
      t.span('chat', genAiChat('gpt-4o', 4321, 123));
      expect((await exportSpans(collector.otlpUrl, wire, t.finished(), {}, true)).code).toBe(0);
      const m = await scrape(collector.metricsUrl);
      expectUsd(total(m, PROM.cost, { service_name: `svc-gzip-${wire}` }), price('gpt-4o', 'openai', 4321, 123));
    }
  });

  it('a re-sent batch (exporter retry) is not counted twice', async () => {
    const t = recordedTracer('svc-resend');
    t.span('chat', genAiChat('gpt-4o-mini', 1000, 1000));
    for (let i = 0; i < 3; i++) expect((await exportSpans(collector.otlpUrl, i === 1 ? 'json' : 'proto', t.finished())).code).toBe(0);
    const m = await scrape(collector.metricsUrl);
    expect(total(m, PROM.requests, { service_name: 'svc-resend' })).toBe(1);
    expectUsd(total(m, PROM.cost, { service_name: 'svc-resend' }), price('gpt-4o-mini', 'openai', 1000, 1000));
  });

  it('answers partial_success for unusable spans, in the request encoding', async () => {
    const t = recordedTracer('svc-partial');
    t.span('chat', genAiChat('gpt-4o', 10, 10));
    const good = JSON.parse(Buffer.from((await import('@opentelemetry/otlp-transformer')).JsonTraceSerializer.serializeRequest(t.finished() as never)!).toString());
    const spans = good.resourceSpans[0].scopeSpans[0].spans;
    spans.push({ ...spans[0], spanId: 'nothex!!nothex!!' }, { ...spans[0], traceId: '' });
    const res = await fetch(collector.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(good) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe('2');
    expect(body.partialSuccess.errorMessage).toMatch(/span_id must be 8 bytes/);

    // The same in protobuf: a request whose second span has an 8-byte trace id.
    const bytes = Buffer.from(ProtobufTraceSerializer.serializeRequest(t.finished() as never)!);
    const res2 = await fetch(collector.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: withExtraBadSpan(bytes) });
    expect(res2.status).toBe(200);
    expect(res2.headers.get('content-type')).toBe('application/x-protobuf');
    const decoded = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(await res2.arrayBuffer()));
    expect(Number(decoded.partialSuccess?.rejectedSpans)).toBe(1);
    expect(decoded.partialSuccess?.errorMessage).toMatch(/trace_id must be 16 bytes/);
  });
});
