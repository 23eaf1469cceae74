// Shared helpers of the collector tests: an in-process collector on free ports, the real
// OTLP exporters as clients, and a Prometheus text-format reader.
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startCollector } from '../../../src/collector/index.js';
import type { CollectorConfig, RunningCollector } from '../../../src/collector/index.js';

export async function testCollector(config: CollectorConfig = {}): Promise<RunningCollector> {
  return startCollector({ otlpPort: 0, grpcPort: 0, metricsPort: 0, ...config, pipeline: { store: ':memory:', ...config.pipeline } });
}

export type Wire = 'proto' | 'json';

/** Sends spans through the real OTLP/HTTP exporter; resolves to the ExportResult code (0 = success). */
export async function exportSpans(url: string, wire: Wire, spans: ReadableSpan[], headers: Record<string, string> = {}, gzip = false): Promise<{ code: number; error?: Error }> {
  // 'gzip' is the value of the exporters' CompressionAlgorithm.GZIP.
  const config = { url, headers, ...(gzip ? { compression: 'gzip' as never } : {}) };
  const exporter = wire === 'proto' ? new ProtoExporter(config) : new HttpJsonExporter(config);
  try {
    return await new Promise((resolve) => exporter.export(spans as never, (result) => resolve(result)));
  } finally {
    await exporter.shutdown();
  }
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const lm of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, '$1');
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

export async function scrape(metricsUrl: string): Promise<Sample[]> {
  const res = await fetch(metricsUrl);
  if (res.status !== 200) throw new Error(`scrape ${metricsUrl}: ${res.status}`);
  return parsePrometheus(await res.text());
}

/** Sum of a metric's samples whose labels include `match`. */
export function total(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
}
