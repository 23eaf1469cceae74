import type * as PrometheusExporterModule from '@opentelemetry/exporter-prometheus';

/**
 * Loads an optional peer dependency at the point it is needed, with an error that says what
 * to install. The library's span path needs none of them: exporter-prometheus only serves
 * `/metrics` for the collector and the demo, and the trace SDK only builds the demo's
 * tracer provider. Keeping them out of `dependencies` means the app's own copy is used
 * (exporter-prometheus pins an exact sdk-metrics, so a copy of ours would nest a second one).
 */
export async function importPeer<T>(name: string, neededFor: string, load: () => Promise<T>, hint = ''): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error(`${neededFor} needs ${name}, which is not installed: npm install ${name}${hint}`);
  }
}

/** exporter-prometheus 0.2xx goes with sdk-metrics 2.x, 0.30x with 3.x. */
export function importPrometheusExporter(neededFor: string): Promise<typeof PrometheusExporterModule> {
  return importPeer('@opentelemetry/exporter-prometheus', neededFor, () => import('@opentelemetry/exporter-prometheus'),
    ' (0.2xx with @opentelemetry/sdk-metrics 2.x, 0.30x with 3.x)');
}
