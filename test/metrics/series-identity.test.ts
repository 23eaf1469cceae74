// Which calls share a series in CostMetrics, and with which attributes: the rules the
// series lookup must keep whatever its implementation (a joined key, nested maps, ...).
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { CostMetrics } from '../../src/metrics/cost-metrics.js';
import { HistogramProducer } from '../../src/metrics/histogram-producer.js';
import type { PricedCall } from '../../src/types.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

function setup(options: { dimensions?: string[]; cardinalityLimit?: number; genAiMetrics?: boolean; producer?: boolean } = {}) {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  close = () => provider.shutdown();
  const histograms = options.producer ? new HistogramProducer({ name: 't' }) : undefined;
  const metrics = new CostMetrics(provider.getMeter('t'), {
    dimensions: options.dimensions ?? [],
    cardinalityLimit: options.cardinalityLimit ?? 100,
    genAiMetrics: options.genAiMetrics ?? false,
    ...(histograms ? { histograms } : {}),
  });
  /** Every data point as "name {attributes in insertion order} value", sorted. */
  const points = async (): Promise<string[]> => {
    const out: string[] = [];
    const { resourceMetrics } = await reader.collect();
    const producerMetrics = histograms ? (await histograms.collect()).resourceMetrics.scopeMetrics : [];
    for (const scope of [...resourceMetrics.scopeMetrics, ...producerMetrics]) {
      for (const metric of scope.metrics) {
        for (const p of metric.dataPoints as DataPoint<number | Histogram>[]) {
          const v = typeof p.value === 'number' ? p.value : `count=${p.value.count} sum=${p.value.sum}`;
          out.push(`${metric.descriptor.name} ${JSON.stringify(p.attributes)} ${v}`);
        }
      }
    }
    return out.sort();
  };
  return { metrics, points };
}

function call(over: Partial<PricedCall> = {}): PricedCall {
  return {
    traceId: 't',
    spanId: 's',
    parentSpanId: undefined,
    startTimeMs: 1000,
    endTimeMs: 1500,
    provider: 'openai',
    requestModel: 'gpt-4o',
    responseModel: 'gpt-4o-2024-08-06',
    operation: 'chat',
    inputTokens: 10,
    cacheReadTokens: undefined,
    cacheWriteTokens: undefined,
    outputTokens: 2,
    reasoningTokens: undefined,
    sessionId: undefined,
    userId: undefined,
    agentName: undefined,
    serviceName: 'svc',
    error: undefined,
    dialect: 'semconv' as PricedCall['dialect'],
    role: 'call',
    dimensions: {},
    priced: true,
    costUsd: 0.5,
    costs: undefined,
    tokens: { input: 10, cacheRead: 0, cacheWrite: 0, output: 2, reasoning: 0 },
    unpricedReason: undefined,
    pricedAs: 'openai/gpt-4o',
    ...over,
  };
}

const requests = (points: string[]) => points.filter((p) => p.startsWith('llm.requests '));

describe('CostMetrics series identity', () => {
  it('an undefined label and an empty one share a series, labelled as the first call had it', async () => {
    const { metrics, points } = setup();
    metrics.record(call({ provider: undefined }));
    metrics.record(call({ provider: '' }));
    metrics.record(call({ operation: '' }));
    metrics.record(call({ operation: undefined }));
    metrics.record(call({ requestModel: undefined, responseModel: undefined }));
    metrics.record(call({ requestModel: '', responseModel: undefined }));
    metrics.record(call({ requestModel: undefined, responseModel: '' }));
    expect(requests(await points())).toEqual([
      'llm.requests {"service.name":"svc","gen_ai.provider.name":"openai","gen_ai.operation.name":"chat","llm.priced":true} 3',
      'llm.requests {"service.name":"svc","gen_ai.provider.name":"openai","gen_ai.request.model":"gpt-4o","gen_ai.response.model":"gpt-4o-2024-08-06","gen_ai.operation.name":"","llm.priced":true} 2',
      'llm.requests {"service.name":"svc","gen_ai.request.model":"gpt-4o","gen_ai.response.model":"gpt-4o-2024-08-06","gen_ai.operation.name":"chat","llm.priced":true} 2',
    ]);
    expect(metrics.overflowed).toBe(0);
  });

  it('labels move between fields only through the joined form: a NUL inside a value can join two label sets', async () => {
    const { metrics, points } = setup();
    metrics.record(call({ serviceName: 'a\u0000openai', provider: 'x' }));
    metrics.record(call({ serviceName: 'a', provider: 'openai\u0000x' }));
    metrics.record(call({ serviceName: 'a', provider: 'openai' }));
    expect(requests(await points())).toEqual([
      'llm.requests {"service.name":"a","gen_ai.provider.name":"openai","gen_ai.request.model":"gpt-4o","gen_ai.response.model":"gpt-4o-2024-08-06","gen_ai.operation.name":"chat","llm.priced":true} 1',
      'llm.requests {"service.name":"a\\u0000openai","gen_ai.provider.name":"x","gen_ai.request.model":"gpt-4o","gen_ai.response.model":"gpt-4o-2024-08-06","gen_ai.operation.name":"chat","llm.priced":true} 2',
    ]);
  });

  it('each dimension value is its own series; a missing dimension and an empty one share one', async () => {
    const { metrics, points } = setup({ dimensions: ['team', 'gen_ai.agent.name'] });
    const base = { provider: undefined, requestModel: undefined, responseModel: undefined, operation: undefined };
    metrics.record(call({ ...base, dimensions: { team: 'ads' } }));
    metrics.record(call({ ...base, dimensions: { team: 'ads', 'gen_ai.agent.name': '' } }));
    metrics.record(call({ ...base, dimensions: { team: 'ads', 'gen_ai.agent.name': 'planner' } }));
    metrics.record(call({ ...base, dimensions: { team: 'search', 'gen_ai.agent.name': 'planner' } }));
    metrics.record(call({ ...base, dimensions: { team: '', 'gen_ai.agent.name': 'planner' } }));
    metrics.record(call({ ...base, dimensions: { 'gen_ai.agent.name': 'planner' } }));
    // Not a configured dimension: neither a label nor a part of the identity.
    metrics.record(call({ ...base, dimensions: { team: 'search', 'gen_ai.agent.name': 'planner', other: 'x' } }));
    expect(requests(await points())).toEqual([
      'llm.requests {"service.name":"svc","team":"","gen_ai.agent.name":"planner","llm.priced":true} 2',
      'llm.requests {"service.name":"svc","team":"ads","gen_ai.agent.name":"planner","llm.priced":true} 1',
      'llm.requests {"service.name":"svc","team":"ads","llm.priced":true} 2',
      'llm.requests {"service.name":"svc","team":"search","gen_ai.agent.name":"planner","llm.priced":true} 2',
    ]);
  });

  it('past the limit new label sets share the overflow series; overflowed counts every such call, repeats included', async () => {
    const { metrics, points } = setup({ cardinalityLimit: 2, genAiMetrics: true });
    const m = (requestModel: string, over: Partial<PricedCall> = {}) => call({ requestModel, responseModel: undefined, provider: undefined, operation: undefined, ...over });
    metrics.record(m('a'));
    metrics.record(m('b'));
    metrics.record(m('c'));
    expect(metrics.overflowed).toBe(1);
    metrics.record(m('c'));
    expect(metrics.overflowed).toBe(2);
    metrics.record(m('a'));
    metrics.record(m('b', { priced: false, costUsd: undefined, error: 'timeout' }));
    expect(metrics.overflowed).toBe(2);
    metrics.record(m('d', { error: 'timeout' }));
    metrics.record(m('', { priced: false, costUsd: undefined }));
    expect(metrics.overflowed).toBe(4);
    const all = await points();
    expect(requests(all)).toEqual([
      'llm.requests {"otel.metric.overflow":true,"llm.priced":false} 1',
      'llm.requests {"otel.metric.overflow":true,"llm.priced":true,"error.type":"timeout"} 1',
      'llm.requests {"otel.metric.overflow":true,"llm.priced":true} 2',
      'llm.requests {"service.name":"svc","gen_ai.request.model":"a","llm.priced":true} 2',
      'llm.requests {"service.name":"svc","gen_ai.request.model":"b","llm.priced":false,"error.type":"timeout"} 1',
      'llm.requests {"service.name":"svc","gen_ai.request.model":"b","llm.priced":true} 1',
    ]);
    expect(all.filter((p) => p.startsWith('llm.cost.usd '))).toEqual([
      'llm.cost.usd {"otel.metric.overflow":true} 1.5',
      'llm.cost.usd {"service.name":"svc","gen_ai.request.model":"a"} 1',
      'llm.cost.usd {"service.name":"svc","gen_ai.request.model":"b"} 0.5',
    ]);
    expect(all.filter((p) => p.startsWith('llm.tokens ') && p.includes('overflow'))).toEqual([
      'llm.tokens {"otel.metric.overflow":true,"llm.token.type":"input","llm.priced":false} 10',
      'llm.tokens {"otel.metric.overflow":true,"llm.token.type":"input","llm.priced":true} 30',
      'llm.tokens {"otel.metric.overflow":true,"llm.token.type":"output","llm.priced":false} 2',
      'llm.tokens {"otel.metric.overflow":true,"llm.token.type":"output","llm.priced":true} 6',
    ]);
    expect(all.filter((p) => p.startsWith('llm.request.cost.usd ') || p.startsWith('gen_ai.client.operation.duration '))).toEqual([
      'gen_ai.client.operation.duration {"otel.metric.overflow":true,"error.type":"timeout"} count=1 sum=0.5',
      'gen_ai.client.operation.duration {"otel.metric.overflow":true} count=3 sum=1.5',
      'gen_ai.client.operation.duration {"service.name":"svc","gen_ai.request.model":"a"} count=2 sum=1',
      'gen_ai.client.operation.duration {"service.name":"svc","gen_ai.request.model":"b","error.type":"timeout"} count=1 sum=0.5',
      'gen_ai.client.operation.duration {"service.name":"svc","gen_ai.request.model":"b"} count=1 sum=0.5',
      'llm.request.cost.usd {"otel.metric.overflow":true} count=3 sum=1.5',
      'llm.request.cost.usd {"service.name":"svc","gen_ai.request.model":"a"} count=2 sum=1',
      'llm.request.cost.usd {"service.name":"svc","gen_ai.request.model":"b"} count=1 sum=0.5',
    ]);
  });

  it('the same series through a HistogramProducer, with strings that are equal but not the same object', async () => {
    const { metrics, points } = setup({ dimensions: ['team'], genAiMetrics: true, producer: true });
    const copy = (s: string) => Buffer.from(s).toString('latin1');
    for (let i = 0; i < 3; i++) {
      metrics.record(call({ serviceName: copy('svc'), provider: copy('openai'), requestModel: copy('gpt-4o'), dimensions: { team: copy('ads') } }));
    }
    expect((await points()).filter((p) => p.startsWith('llm.requests ') || p.startsWith('llm.request.cost.usd '))).toEqual([
      'llm.request.cost.usd {"service.name":"svc","gen_ai.provider.name":"openai","gen_ai.request.model":"gpt-4o","gen_ai.response.model":"gpt-4o-2024-08-06","gen_ai.operation.name":"chat","team":"ads"} count=3 sum=1.5',
      'llm.requests {"service.name":"svc","gen_ai.provider.name":"openai","gen_ai.request.model":"gpt-4o","gen_ai.response.model":"gpt-4o-2024-08-06","gen_ai.operation.name":"chat","team":"ads","llm.priced":true} 3',
    ]);
  });
});
