// Calls from an emitter known to omit cache counts (@opentelemetry/instrumentation-openai
// 0.21/0.22) for a provider that caches on its own are counted in
// llm.requests.without_cache_detail and named once through diag.
import { DiagLogLevel, diag } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { LlmCostSpanProcessor } from '../../src/index.js';
import { VERSION } from '../../src/version.js';
import { emitSpans } from '../fixtures/spans.js';

afterEach(() => diag.disable());

const chat = (provider: string) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': provider,
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.usage.input_tokens': 3000,
  'gen_ai.usage.output_tokens': 100,
});

describe('priced without cache detail', () => {
  it('counts calls of instrumentation-openai 0.21/0.22 for openai, says so once, and leaves other emitters alone', async () => {
    const warnings: string[] = [];
    const logger: DiagLogger = { error: () => {}, info: () => {}, debug: () => {}, verbose: () => {}, warn: (...a: unknown[]) => warnings.push(a.join(' ')) };
    diag.setLogger(logger, DiagLogLevel.WARN);
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const meterProvider = new MeterProvider({ readers: [exporter] });
    const processor = new LlmCostSpanProcessor({ meterProvider });
    const contrib = (version: string, n: string) => ({ name: `chat ${n}`, attributes: chat('openai'), scope: { name: '@opentelemetry/instrumentation-openai', version } });
    emitSpans(
      [
        contrib('0.21.0', 'a'),
        contrib('0.22.1', 'b'),
        contrib('0.21.0', 'c'),
        // A version that reports cache reads, and a span that has them: not counted.
        contrib('0.23.0', 'd'),
        { name: 'chat e', attributes: { ...chat('openai'), 'gen_ai.usage.cache_read.input_tokens': 1024 }, scope: { name: '@opentelemetry/instrumentation-openai', version: '0.21.0' } },
        // Another emitter, and a provider that does not cache on its own.
        { name: 'chat f', attributes: chat('openai'), scope: { name: '@traceloop/instrumentation-openai', version: '0.27.0' } },
        { name: 'chat g', attributes: chat('anthropic'), scope: { name: '@opentelemetry/instrumentation-openai', version: '0.21.0' } },
      ],
      { processors: [processor] },
    );
    const { resourceMetrics } = await exporter.collect();
    const text = new PrometheusSerializer().serialize(resourceMetrics);
    const lines = text.split('\n').filter((l) => l.startsWith('llm_requests_without_cache_detail_total{'));
    expect(lines.sort()).toEqual([
      `llm_requests_without_cache_detail_total{service_name="test-service",llm_instrumentation="@opentelemetry/instrumentation-openai 0.21.0",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",otel_scope_name="otel-llm-cost",otel_scope_version="${VERSION}"} 2`,
      `llm_requests_without_cache_detail_total{service_name="test-service",llm_instrumentation="@opentelemetry/instrumentation-openai 0.22.1",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",otel_scope_name="otel-llm-cost",otel_scope_version="${VERSION}"} 1`,
    ]);
    const told = warnings.filter((w) => w.includes('priced without cache detail'));
    expect(told).toHaveLength(2);
    expect(told[0]).toContain('@opentelemetry/instrumentation-openai 0.21.0 reports no cached tokens for openai calls');
    await processor.shutdown();
    await meterProvider.shutdown();
  });
});
