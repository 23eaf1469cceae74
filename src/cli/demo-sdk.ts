import type { TracerProvider } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { importPeer, importPrometheusExporter } from '../optional-peer.js';
import type { SpanProcessorLike } from '../span-types.js';

type TracerProviderClass = new (config: { resource?: Resource; spanProcessors?: SpanProcessorLike[] }) => TracerProvider & { shutdown(): Promise<void> };

/**
 * The SDK pieces the demo wires itself, taken from the app's own OpenTelemetry packages:
 * SDK 2.x has BasicTracerProvider in @opentelemetry/sdk-trace-base, SDK 3.x has
 * TracerProvider in @opentelemetry/sdk-trace (and no sdk-trace-base).
 */
export async function loadDemoSdk(): Promise<{
  PrometheusExporter: Awaited<ReturnType<typeof importPrometheusExporter>>['PrometheusExporter'];
  TracerProvider: TracerProviderClass;
  resourceFromAttributes: (attributes: Record<string, string>) => Resource;
}> {
  const { PrometheusExporter } = await importPrometheusExporter('otel-llm-cost demo');
  let TracerProvider: TracerProviderClass;
  try {
    TracerProvider = (await import('@opentelemetry/sdk-trace-base')).BasicTracerProvider as unknown as TracerProviderClass;
  } catch {
    const sdk = await importPeer('@opentelemetry/sdk-trace', 'otel-llm-cost demo', () => import('@opentelemetry/sdk-trace'),
      ' (or @opentelemetry/sdk-trace-base with SDK 2.x)');
    TracerProvider = sdk.TracerProvider as unknown as TracerProviderClass;
  }
  const { resourceFromAttributes } = await importPeer('@opentelemetry/resources', 'otel-llm-cost demo', () => import('@opentelemetry/resources'));
  return { PrometheusExporter, TracerProvider, resourceFromAttributes };
}
